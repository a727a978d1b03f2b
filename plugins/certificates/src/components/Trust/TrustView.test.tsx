import { screen, waitFor, within } from '@testing-library/react';
import { SWRConfig } from 'swr';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis } from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  TrustChange,
  TrustOverview,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  base,
  renderWithBackend,
  setupMswServer,
} from '../common/__testUtils__/fakeBackend';
import { expectTexts } from '../common/__testUtils__/expectTexts';
import { TrustView } from './TrustView';

const server = setupMswServer();
const PKI = 'group:default/pki';

const change: TrustChange = {
  id: 'tc-1',
  action: 'add',
  fingerprint: 'BB:BB',
  subject: 'CN=Partner Root',
  requester: 'user:default/alice',
  reason: 'partner integration',
  state: 'pending',
  required: 2,
  createdAt: new Date().toISOString(),
  decisions: [
    {
      actor: 'user:default/carol',
      decision: 'approve',
      at: new Date().toISOString(),
    },
  ],
};

const overview = (): TrustOverview => ({
  roots: [
    {
      fingerprint: 'AA:AA',
      subject: 'CN=Corp Root',
      notAfter: '2035-01-01T00:00:00.000Z',
      source: 'config',
      pem: 'PEM',
      addedAt: '2026-01-01T00:00:00.000Z',
      addedBy: 'config',
    },
  ],
  changes: [change],
  targets: [
    {
      cluster: 'prod',
      namespace: 'apps',
      kind: 'ConfigMap',
      name: 'kubecerts-trust-bundle',
      state: 'in-sync',
      checkedAt: new Date().toISOString(),
    },
    {
      cluster: 'prod',
      namespace: 'web',
      kind: 'ConfigMap',
      name: 'kubecerts-trust-bundle',
      state: 'edited',
      checkedAt: new Date().toISOString(),
    },
    {
      cluster: 'edge',
      namespace: 'apps',
      kind: 'ConfigMap',
      name: 'kubecerts-trust-bundle',
      state: 'foreign',
      detail: 'exists but was not created by the portal',
      checkedAt: new Date().toISOString(),
    },
    {
      cluster: 'edge',
      namespace: '',
      kind: 'Bundle',
      name: 'kubecerts-trust-bundle-trust-manager',
      state: 'error',
      detail: 'HTTP 403',
      checkedAt: new Date().toISOString(),
    },
  ],
  bundleHash: 'h',
  approvals: { required: 2, approvers: [PKI] },
});

function render(user: string, groups: string[] = [], allowed = true) {
  // usePermission keeps its answers in SWR's cache, which would otherwise
  // carry one test's policy into the next.
  return renderWithBackend(
    <SWRConfig value={{ provider: () => new Map() }}>
      <TrustView />
    </SWRConfig>,
    {
      permissionApi: mockApis.permission({
        authorize: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      }),
      apis: [
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: user,
            ownershipEntityRefs: [user, ...groups],
          }),
        ],
      ],
    },
  );
}

describe('TrustView', () => {
  it('lists roots, pending changes and each target state', async () => {
    server.use(http.get(`${base}/trust`, () => HttpResponse.json(overview())));
    await render('user:default/bob', [PKI]);
    expect(await screen.findByText('CN=Corp Root')).toBeInTheDocument();
    expectTexts([
      'AA:AA',
      'configuration',
      'pending (1 of 2 approvals)',
      'In sync',
      'Drifted: edited',
      'Not ours: left alone',
      'HTTP 403',
    ]);
  });

  it('lets an approver approve, and never the requester', async () => {
    const decisions: unknown[] = [];
    server.use(
      http.get(`${base}/trust`, () => HttpResponse.json(overview())),
      http.post(`${base}/trust/changes/tc-1/decision`, async ({ request }) => {
        decisions.push(await request.json());
        return HttpResponse.json({ ...change, state: 'approved' });
      }),
    );
    const user = userEvent.setup();
    const first = await render('user:default/alice', [PKI]);
    const row = (
      await screen.findByText('CN=Partner Root', { exact: false })
    ).closest('tr')!;
    expect(within(row).getByRole('button', { name: 'Approve' })).toBeDisabled();
    first.unmount();

    await render('user:default/bob', [PKI]);
    const bobRow = (await screen.findByText('Add CN=Partner Root')).closest(
      'tr',
    )!;
    await user.click(within(bobRow).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(decisions).toEqual([{ decision: 'approve' }]));
  });

  it('shows why a certificate cannot be a root, and runs a check on demand', async () => {
    const syncs: unknown[] = [];
    server.use(
      http.get(`${base}/trust`, () => HttpResponse.json(overview())),
      http.post(`${base}/trust/changes`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message:
                'This certificate cannot be an approved root: It is not a CA certificate.',
            },
          },
          { status: 400 },
        ),
      ),
      http.post(`${base}/trust/sync`, async ({ request }) => {
        syncs.push(await request.json());
        return HttpResponse.json({ targets: [] });
      }),
    );
    const user = userEvent.setup();
    await render('user:default/bob', [PKI]);
    await user.click(await screen.findByLabelText('CA certificate (PEM)'));
    await user.paste('-----BEGIN CERTIFICATE-----');
    await user.click(screen.getByLabelText('Reason'));
    await user.paste('needed');
    await user.click(screen.getByRole('button', { name: 'Request approval' }));
    expect(
      await screen.findByText(/It is not a CA certificate/),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Check now' }));
    await waitFor(() => expect(syncs).toEqual([{ repair: false }]));
  });

  it('asks for a reason before requesting the removal of a root', async () => {
    const requests: unknown[] = [];
    server.use(
      http.get(`${base}/trust`, () => HttpResponse.json(overview())),
      http.post(`${base}/trust/changes`, async ({ request }) => {
        requests.push(await request.json());
        return HttpResponse.json(
          { ...change, id: 'tc-2', action: 'remove' },
          { status: 201 },
        );
      }),
    );
    const user = userEvent.setup();
    await render('user:default/bob', [PKI]);
    await user.click(
      await screen.findByRole('button', { name: 'Request removal' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('button', { name: 'Request approval' }),
    ).toBeDisabled();
    await user.click(
      within(dialog).getByLabelText('Why should it no longer be trusted?'),
    );
    await user.paste('compromised');
    await user.click(
      within(dialog).getByRole('button', { name: 'Request approval' }),
    );
    await waitFor(() =>
      expect(requests).toEqual([
        { action: 'remove', fingerprint: 'AA:AA', reason: 'compromised' },
      ]),
    );
  });

  it('hides the actions the permission policy refuses', async () => {
    server.use(http.get(`${base}/trust`, () => HttpResponse.json(overview())));
    await render('user:default/bob', [PKI], false);
    expect(await screen.findByText('CN=Corp Root')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Check now' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Request a new root')).not.toBeInTheDocument();
  });
});
