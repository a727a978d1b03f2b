import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createRequestCertificateAction } from './requestCertificate';

const BASE = 'http://localhost:0/api/certificates';
const ALICE = 'user:default/alice';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const action = createRequestCertificateAction({
  discovery: mockServices.discovery(),
  auth: mockServices.auth(),
});

const input = {
  entityRef: 'component:default/payments-api',
  dnsNames: ['payments-api.shop.example.com'],
  keyAlgorithm: 'ECDSA-P256' as const,
  validityDays: 30,
  issuer: 'builtin',
  delivery: {
    kind: 'csr' as const,
    csr: '-----BEGIN CERTIFICATE REQUEST-----',
  },
};

function context(overrides: { isDryRun?: boolean } = {}) {
  const ctx = createMockActionContext({ input });
  return {
    ...ctx,
    ...overrides,
    getInitiatorCredentials: async () => mockCredentials.user(ALICE),
  };
}

/** The principal a request carries: the mock token names whom it is on behalf of. */
function onBehalfOf(request: Request): string | undefined {
  const token =
    request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
  const payload = JSON.parse(token.slice(token.indexOf('{')));
  return payload.obo;
}

/** The backend's answer when the policy refuses: a 400 listing every violation. */
function refusedByPolicy(
  path: string,
  message: string,
  violations: Array<{ field: string; reason: string }>,
) {
  return http.post(`${BASE}${path}`, () =>
    HttpResponse.json(
      { error: { name: 'InputError', message }, violations },
      { status: 400 },
    ),
  );
}

describe('certificates:request', () => {
  it('submits as the user running the template and reports a pending request', async () => {
    const seen: { obo?: string; target?: string; body?: unknown }[] = [];
    server.use(
      http.post(`${BASE}/requests`, async ({ request }) => {
        const token = request.headers.get('authorization') ?? '';
        seen.push({
          obo: onBehalfOf(request),
          target: JSON.parse(token.slice(token.indexOf('{'))).target,
          body: await request.json(),
        });
        return HttpResponse.json(
          {
            id: 'req-1',
            state: 'pending',
            pendingReason: 'Policy x requires approval',
          },
          { status: 201 },
        );
      }),
    );
    const ctx = context();
    await action.handler(ctx);
    expect(seen).toEqual([
      {
        obo: ALICE,
        target: 'certificates',
        body: expect.objectContaining({
          entityRef: 'component:default/payments-api',
          dnsNames: ['payments-api.shop.example.com'],
          delivery: input.delivery,
        }),
      },
    ]);
    expect(ctx.output).toHaveBeenCalledWith('requestId', 'req-1');
    expect(ctx.output).toHaveBeenCalledWith('state', 'pending');
    expect(ctx.output).toHaveBeenCalledWith(
      'pendingReason',
      'Policy x requires approval',
    );
    expect(ctx.output).not.toHaveBeenCalledWith('chainPem', expect.anything());
  });

  it('outputs the chain when a csr request is issued at once', async () => {
    server.use(
      http.post(`${BASE}/requests`, () =>
        HttpResponse.json({ id: 'req-2', state: 'issued' }, { status: 201 }),
      ),
      http.get(`${BASE}/requests/req-2/chain.pem`, ({ request }) =>
        onBehalfOf(request) === ALICE
          ? HttpResponse.text('-----BEGIN CERTIFICATE-----\nleaf\n')
          : HttpResponse.json(
              { error: { name: 'NotFoundError', message: 'x' } },
              { status: 404 },
            ),
      ),
    );
    const ctx = context();
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('state', 'issued');
    expect(ctx.output).toHaveBeenCalledWith(
      'chainPem',
      '-----BEGIN CERTIFICATE-----\nleaf\n',
    );
  });

  it('fails with every violation when the policy refuses', async () => {
    server.use(
      refusedByPolicy('/requests', 'dnsNames[0]: not allowed', [
        {
          field: 'dnsNames[0]',
          reason: 'evil.example.com is not allowed by policy payments',
        },
      ]),
    );
    const ctx = context();
    await expect(action.handler(ctx)).rejects.toThrow(
      'The certificate request was refused: dnsNames[0]: evil.example.com is not allowed by policy payments',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('passes on a refusal of the caller (403) with the backend message', async () => {
    server.use(
      http.post(`${BASE}/requests`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'You may not request certificates for component:default/payments-api',
            },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(action.handler(context())).rejects.toThrow(
      /You may not request certificates/,
    );
  });

  it('in a dry run asks for the verdict only and creates nothing', async () => {
    const created = jest.fn();
    server.use(
      http.post(`${BASE}/requests`, () => {
        created();
        return HttpResponse.json({}, { status: 201 });
      }),
      http.post(`${BASE}/requests/validate`, ({ request }) =>
        HttpResponse.json({
          ok: true,
          violations: [],
          policyName: 'payments',
          autoApprove: onBehalfOf(request) === ALICE,
        }),
      ),
    );
    const ctx = context({ isDryRun: true });
    await action.handler(ctx);
    expect(created).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('verdict', {
      ok: true,
      autoApprove: true,
      pendingReason: undefined,
      policyName: 'payments',
      violations: [],
    });
    expect(ctx.output).not.toHaveBeenCalledWith('requestId', expect.anything());
  });

  it('in a dry run reports violations as the verdict', async () => {
    server.use(
      refusedByPolicy('/requests/validate', 'validityDays: too long', [
        { field: 'validityDays', reason: '400 exceeds the maximum of 90 days' },
      ]),
    );
    const ctx = context({ isDryRun: true });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'verdict',
      expect.objectContaining({
        ok: false,
        violations: [
          {
            field: 'validityDays',
            reason: '400 exceeds the maximum of 90 days',
          },
        ],
      }),
    );
  });
});
