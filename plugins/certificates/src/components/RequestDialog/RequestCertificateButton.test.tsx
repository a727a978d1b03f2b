import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay, http, HttpResponse } from 'msw';
import { Entity } from '@backstage/catalog-model';
import { mockApis } from '@backstage/test-utils';
import {
  CertificateRequestInput,
  Violation,
} from '@kubecerts/backstage-plugin-certificates-common';
import { EntityPolicy } from '../../api';
import * as fixtures from '../Requests/__testUtils__';
import { RequestCertificateButton } from './RequestCertificateButton';

// Typing through MUI inputs is slow on a busy 2-core runner.
const { base, makeRequest, renderWithClient } = fixtures;
const server = fixtures.setupMswServer();
const entityRef = 'component:default/payments';

const policy: EntityPolicy = {
  policy: {
    name: 'default',
    allowedDnsNames: ['{{entity.name}}.example.com', '*.payments.example.com'],
    keyAlgorithms: ['ECDSA-P256', 'RSA-2048'],
    maxValidityDays: 90,
    allowedIssuers: ['builtin'],
    deliveries: ['csr', 'secret'],
    allowedNamespaces: ['payments', 'payments-*'],
  },
  issuers: [
    {
      id: 'builtin',
      type: 'builtin',
      displayName: 'Built-in CA',
      supportsRevocation: true,
      deliveries: ['csr', 'secret', 'cert-manager'],
    },
    {
      id: 'letsencrypt',
      type: 'acme',
      displayName: "Let's Encrypt",
      supportsRevocation: true,
      deliveries: ['csr'],
    },
  ],
  clusters: ['prod', 'staging'],
  suggestedDnsNames: ['payments.example.com'],
};

/** The backend's rules for these tests: only names under example.com, namespace payments. */
function violationsOf(input: CertificateRequestInput): Violation[] {
  const violations: Violation[] = [];
  input.dnsNames.forEach((name, i) => {
    if (!name.endsWith('.example.com')) {
      violations.push({
        field: `dnsNames[${i}]`,
        reason: `${name} is not allowed by policy "default"`,
      });
    }
  });
  if (
    input.delivery.kind === 'secret' &&
    input.delivery.namespace !== 'payments'
  ) {
    violations.push({
      field: 'delivery.namespace',
      reason: 'Namespace must be payments',
    });
  }
  if (input.justification?.includes('audit')) {
    violations.push({
      field: 'entityRef',
      reason: 'The entity is under audit',
    });
  }
  return violations;
}

/** The backend refuses every submission with this status and body. */
function refuseSubmissions(status: number, body: object) {
  server.use(
    http.post(`${base}/requests`, () => HttpResponse.json(body, { status })),
  );
}

function useBackend() {
  const validateCalls: CertificateRequestInput[] = [];
  const created: CertificateRequestInput[] = [];
  const request = makeRequest({
    id: 'req-new',
    justification: 'For the <b>payments</b> API',
  });
  server.use(
    http.get(`${base}/policy`, ({ request: r }) => {
      expect(new URL(r.url).searchParams.get('entityRef')).toBe(entityRef);
      return HttpResponse.json(policy);
    }),
    http.post(`${base}/requests/validate`, async ({ request: r }) => {
      const input = (await r.json()) as CertificateRequestInput;
      validateCalls.push(input);
      const violations = violationsOf(input);
      if (violations.length > 0) {
        return HttpResponse.json(
          {
            error: { name: 'InputError', message: 'Policy violations' },
            violations,
          },
          { status: 400 },
        );
      }
      return HttpResponse.json({
        ok: true,
        violations: [],
        policyName: 'default',
        autoApprove: false,
        pendingReason: 'Secrets need a security review',
      });
    }),
    http.post(`${base}/requests`, async ({ request: r }) => {
      const input = (await r.json()) as CertificateRequestInput;
      created.push(input);
      return HttpResponse.json(request, { status: 201 });
    }),
    http.get(`${base}/requests/req-new`, () =>
      HttpResponse.json({
        request,
        audit: [
          {
            id: 'a1',
            at: request.createdAt,
            actor: 'user:default/alice',
            action: 'created',
            requestId: 'req-new',
            outcome: 'success',
          },
        ],
      }),
    ),
  );
  return { validateCalls, created };
}

async function openForm() {
  const user = userEvent.setup();
  await renderWithClient(<RequestCertificateButton entityRef={entityRef} />);
  await user.click(
    await screen.findByRole('button', { name: /request certificate/i }),
  );
  const names = await screen.findByLabelText('DNS names');
  return { user, names };
}

type Authorize = NonNullable<
  NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize']
>;

describe('RequestCertificateButton', () => {
  it('offers no request button where the permission policy denies certificates.request.create for the entity', async () => {
    const { validateCalls, created } = useBackend();
    // Another entity than the other tests: permission answers are cached per entity.
    const ledger = 'component:default/ledger';
    const asked: Array<{ name: string; resourceRef?: string }> = [];
    // The enum's values, without depending on permission-common here.
    const authorize = ((request: {
      permission: { name: string };
      resourceRef?: string;
    }) => {
      asked.push({
        name: request.permission.name,
        resourceRef: request.resourceRef,
      });
      return request.permission.name === 'certificates.request.create'
        ? 'DENY'
        : 'ALLOW';
    }) as unknown as Authorize;
    await renderWithClient(
      <RequestCertificateButton entityRef={ledger} />,
      'user:default/mallory',
      mockApis.permission({ authorize }),
    );
    await waitFor(() =>
      expect(asked).toContainEqual({
        name: 'certificates.request.create',
        resourceRef: ledger,
      }),
    );
    expect(
      screen.queryByRole('button', { name: /request certificate/i }),
    ).not.toBeInTheDocument();
    expect(validateCalls).toHaveLength(0);
    expect(created).toHaveLength(0);
  });

  it('prefills the suggested names and says the request will be queued, and why', async () => {
    useBackend();
    const { names } = await openForm();
    expect(names).toHaveValue('payments.example.com');
    expect(
      await screen.findByText(
        /queued for approval.*Secrets need a security review/,
      ),
    ).toBeInTheDocument();
  });

  it("shows the backend's verdict for someone who is not an owner: it will wait for approval", async () => {
    useBackend();
    server.use(
      http.post(`${base}/requests/validate`, () =>
        HttpResponse.json({
          ok: true,
          violations: [],
          policyName: 'default',
          autoApprove: false,
          requesterIsOwner: false,
          pendingReason:
            'requested by user:default/carol, who is not an owner of component:default/payments (owner group:default/payments)',
        }),
      ),
    );
    await openForm();
    expect(
      await screen.findByText(/will wait for approval: you are not an owner/i),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/user:default\/carol, who is not an owner/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Submit request' }),
    ).toBeEnabled();
  });

  it('shows the backend violations beside the field as the user types, debounced', async () => {
    const { validateCalls } = useBackend();
    const { user, names } = await openForm();
    await screen.findByText(/queued for approval/);
    const before = validateCalls.length;

    await user.type(names, '{enter}evil.org');

    const reason = await screen.findByTestId('dns-name-violation-1');
    expect(reason).toHaveTextContent(
      'evil.org is not allowed by policy "default"',
    );
    // The first name is fine, so nothing is shown beside it.
    expect(
      screen.queryByTestId('dns-name-violation-0'),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText(/does not allow this request \(1 problem\)/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Submit request' }),
    ).toBeDisabled();
    // Debounced: fewer calls than key strokes, and the last one checked the final input.
    expect(validateCalls.length - before).toBeLessThan(9);
    expect(validateCalls[validateCalls.length - 1].dnsNames).toEqual([
      'payments.example.com',
      'evil.org',
    ]);

    // Removing the name clears the violation.
    act(() => screen.getByLabelText('DNS name evil.org').focus());
    await user.keyboard('{Delete}');
    expect(names).toHaveValue('payments.example.com');
    await waitFor(() =>
      expect(
        screen.queryByTestId('dns-name-violation-1'),
      ).not.toBeInTheDocument(),
    );
  });

  it('maps delivery.namespace to the namespace input and unknown fields to the general alert', async () => {
    useBackend();
    const { user } = await openForm();
    await screen.findByText(/queued for approval/);
    await user.click(screen.getByLabelText(/write a tls secret/i));

    // The policy allows a pattern, so the namespace is typed, and starts empty.
    const namespace = screen.getByLabelText('Namespace');
    expect(
      await screen.findByText('Namespace must be payments'),
    ).toBeInTheDocument();
    expect(namespace).toHaveAttribute('aria-invalid', 'true');
    expect(namespace).toHaveAccessibleDescription('Namespace must be payments');

    await user.click(namespace);
    await user.paste('payments');
    await waitFor(() =>
      expect(
        screen.queryByText('Namespace must be payments'),
      ).not.toBeInTheDocument(),
    );

    await user.click(screen.getByLabelText('Justification'));
    await user.paste('during the audit');
    expect(
      await screen.findByText(/entityRef: The entity is under audit/),
    ).toBeInTheDocument();
  });

  it('submits a pasted CSR and opens the request panel with its state', async () => {
    const { created } = useBackend();
    const { user } = await openForm();
    const csr =
      '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----';
    await user.click(
      screen.getByLabelText('Certificate signing request (PEM)'),
    );
    await user.paste(csr);
    await user.click(screen.getByLabelText('Justification'));
    await user.paste('For the payments API');
    await screen.findByText(/queued for approval/);

    await user.click(screen.getByRole('button', { name: 'Submit request' }));

    const panel = await screen.findByRole('region', {
      name: 'Certificate request payments.example.com',
    });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      entityRef,
      dnsNames: ['payments.example.com'],
      keyAlgorithm: 'ECDSA-P256',
      validityDays: 90,
      issuer: 'builtin',
      delivery: { kind: 'csr', csr },
      justification: 'For the payments API',
    });
    expect(
      within(panel).getByText(/Waiting for 1 approval/),
    ).toBeInTheDocument();
    // Justification is shown as text, markup and all.
    expect(
      within(panel).getByTestId('request-justification'),
    ).toHaveTextContent('For the <b>payments</b> API');
    expect(
      within(panel).getByText(/created by user:default\/alice/),
    ).toBeInTheDocument();
  });

  it('says why the backend refused a submission with too many open requests', async () => {
    useBackend();
    refuseSubmissions(429, {
      error: {
        name: 'TooManyRequestsError',
        message:
          'you have 20 open requests; the limit is 20; cancel one or wait for decisions',
      },
      request: { method: 'POST', url: '/requests' },
      response: { statusCode: 429 },
    });
    const { user } = await openForm();
    await user.click(
      screen.getByLabelText('Certificate signing request (PEM)'),
    );
    await user.paste(
      '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----',
    );
    await screen.findByText(/queued for approval/);
    await user.click(screen.getByRole('button', { name: 'Submit request' }));
    expect(
      await screen.findByText(
        'Could not submit the request: you have 20 open requests; the limit is 20; cancel one or wait for decisions',
      ),
    ).toBeInTheDocument();
  });

  it('shows violations returned on submit beside their fields', async () => {
    useBackend();
    refuseSubmissions(400, {
      error: { name: 'InputError', message: 'Policy violations' },
      violations: [
        { field: 'validityDays', reason: 'At most 30 days for this issuer' },
      ],
    });
    const { user } = await openForm();
    await screen.findByText(/queued for approval/);
    await user.click(screen.getByRole('button', { name: 'Submit request' }));
    expect(
      await screen.findByText('At most 30 days for this issuer'),
    ).toBeInTheDocument();
  });

  it('checks the policy locally at once when it has the entity; the backend has the last word', async () => {
    useBackend();
    // A slow backend that, unlike the local rules, accepts the name.
    server.use(
      http.post(`${base}/requests/validate`, async () => {
        await delay(800);
        return HttpResponse.json({
          ok: true,
          violations: [],
          policyName: 'default',
          autoApprove: true,
        });
      }),
    );
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'payments', namespace: 'default' },
      spec: { owner: 'team-a' },
    };
    const user = userEvent.setup();
    await renderWithClient(
      <RequestCertificateButton entityRef={entityRef} entity={entity} />,
    );
    await user.click(
      screen.getByRole('button', { name: /request certificate/i }),
    );
    const names = await screen.findByLabelText('DNS names');
    await screen.findByText(/approved automatically/);

    await user.click(names);
    await user.paste('\nother.org');
    expect(await screen.findByTestId('dns-name-violation-1')).toHaveTextContent(
      '"other.org" is not allowed by policy default',
    );
    await waitFor(
      () =>
        expect(
          screen.queryByTestId('dns-name-violation-1'),
        ).not.toBeInTheDocument(),
      { timeout: 5000 },
    );
  });
});
