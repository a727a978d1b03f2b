import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import {
  base,
  failingGet,
  makeRequest,
  recordingGet,
  renderWithClient,
  setupMswServer,
} from '../Requests/__testUtils__';
import { ApprovalsQueue } from './ApprovalsQueue';

const server = setupMswServer();

/** A request in the queue for `name` (its common name and DNS name), made `hoursAgo`. */
function queued(
  options: { id: string; name: string; hoursAgo: number } & Partial<
    Omit<CertificateRequest, 'id' | 'commonName' | 'createdAt'>
  >,
): CertificateRequest {
  const { name, hoursAgo, ...more } = options;
  return makeRequest({
    commonName: name,
    dnsNames: [name],
    createdAt: new Date(Date.now() - hoursAgo * 3600_000).toISOString(),
    ...more,
  });
}

const older = queued({
  id: 'r-old',
  name: 'old.example.com',
  hoursAgo: 48,
  justification: 'Legacy <script>alert(1)</script> gateway',
});
const newer = queued({
  id: 'r-new',
  name: 'new.example.com',
  hoursAgo: 2,
  dnsNames: ['new.example.com', 'api.new.example.com'],
  delivery: {
    kind: 'cert-manager',
    cluster: 'prod',
    namespace: 'web',
    secretName: 'web-tls',
  },
  inCluster: { cluster: 'prod', namespace: 'web', name: 'web-tls-1' },
  pendingReason: 'cert-manager requests need a review',
});

/** A backend holding a queue; decisions remove requests from it. */
function useQueue(initial: CertificateRequest[]) {
  let queue = [...initial];
  const decisions: Array<{ id: string; body: any }> = [];
  const bulk: any[] = [];
  server.use(
    http.get(`${base}/issuers`, () =>
      HttpResponse.json({
        items: [
          {
            id: 'builtin',
            type: 'builtin',
            displayName: 'Built-in CA',
            supportsRevocation: true,
            deliveries: ['csr'],
          },
        ],
      }),
    ),
    // The backend answers newest first here; the page must still show the oldest first.
    http.get(`${base}/approvals`, () =>
      HttpResponse.json({ items: [...queue].reverse() }),
    ),
    http.post(`${base}/requests/:id/decision`, async ({ params, request }) => {
      const id = String(params.id);
      const body = await request.json();
      decisions.push({ id, body });
      queue = queue.filter(r => r.id !== id);
      return HttpResponse.json({
        ...initial.find(r => r.id === id),
        state: 'approved',
      });
    }),
    http.post(`${base}/approvals/bulk`, async ({ request }) => {
      const body = (await request.json()) as { ids: string[] };
      bulk.push(body);
      queue = queue.filter(r => !body.ids.includes(r.id));
      return HttpResponse.json({
        results: body.ids.map(id => ({ id, ok: true })),
      });
    }),
  );
  return { decisions, bulk };
}

const rows = () => screen.getAllByTestId(/^approval-row-/);

/** Selects every row and approves them in bulk, confirming after `check`. */
async function approveAll(
  user: ReturnType<typeof userEvent.setup>,
  check: (dialog: HTMLElement) => void = () => {},
) {
  await user.click(await screen.findByLabelText('Select all'));
  await user.click(screen.getByRole('button', { name: 'Approve selected' }));
  const dialog = await screen.findByRole('dialog');
  check(dialog);
  await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
}

describe('ApprovalsQueue', () => {
  it('lists the queue oldest first with what an approver needs to decide', async () => {
    useQueue([older, newer]);
    await renderWithClient(<ApprovalsQueue />);
    await screen.findByTestId('approval-row-r-old');
    expect(rows().map(r => r.dataset.testid)).toEqual([
      'approval-row-r-old',
      'approval-row-r-new',
    ]);
    const row = within(screen.getByTestId('approval-row-r-new'));
    expect(row.getByText('in-cluster')).toBeInTheDocument();
    expect(
      row.getByText('cert-manager requests need a review'),
    ).toBeInTheDocument();
    expect(
      row.getByText('new.example.com, api.new.example.com'),
    ).toBeInTheDocument();
    // Refs keep hyphenated words whole, in elements of their own: match the whole text.
    expect(
      row.getByText(
        (_, el) =>
          el?.tagName === 'SPAN' &&
          el.textContent === 'group:default/team-a' &&
          el.classList.contains('MuiTypography-caption'),
      ),
    ).toBeInTheDocument();
    expect(row.getByText('2h ago')).toBeInTheDocument();
    // Justification is text, never markup.
    expect(
      within(screen.getByTestId('approval-row-r-old')).getByText(
        'Legacy <script>alert(1)</script> gateway',
      ),
    ).toBeInTheDocument();
  });

  it('approves with one click and removes the request from the queue', async () => {
    const { decisions } = useQueue([older, newer]);
    const user = userEvent.setup();
    await renderWithClient(<ApprovalsQueue />);
    await user.click(
      await screen.findByRole('button', { name: 'Approve old.example.com' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByTestId('approval-row-r-old'),
      ).not.toBeInTheDocument(),
    );
    expect(decisions).toEqual([{ id: 'r-old', body: { decision: 'approve' } }]);
    expect(screen.getByText('Approved old.example.com.')).toBeInTheDocument();
  });

  it('needs a reason to deny', async () => {
    const { decisions } = useQueue([older]);
    const user = userEvent.setup();
    await renderWithClient(<ApprovalsQueue />);
    await user.click(
      await screen.findByRole('button', { name: 'Deny old.example.com' }),
    );
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Deny' }));
    expect(
      within(dialog).getByText('A denial needs a reason.'),
    ).toBeInTheDocument();
    expect(decisions).toHaveLength(0);

    await user.click(within(dialog).getByLabelText(/Reason/));
    await user.paste('Wildcards are not allowed here');
    await user.click(within(dialog).getByRole('button', { name: 'Deny' }));
    await waitFor(() => expect(decisions).toHaveLength(1));
    expect(decisions[0]).toEqual({
      id: 'r-old',
      body: { decision: 'deny', reason: 'Wildcards are not allowed here' },
    });
  });

  it('approves the selected requests in bulk and reports what failed', async () => {
    const { bulk } = useQueue([older, newer]);
    server.use(
      http.post(`${base}/approvals/bulk`, async ({ request }) => {
        bulk.push(await request.json());
        return HttpResponse.json({
          results: [
            { id: 'r-old', ok: true },
            // The backend's shape for a refused item.
            {
              id: 'r-new',
              ok: false,
              error: {
                name: 'NotAllowedError',
                message: 'You cannot decide on your own request.',
              },
            },
          ],
        });
      }),
    );
    const user = userEvent.setup();
    await renderWithClient(<ApprovalsQueue />);
    await approveAll(user, dialog => {
      expect(screen.getByText('2 pending, 2 selected')).toBeInTheDocument();
      expect(
        within(dialog).getByText('Approve 2 requests'),
      ).toBeInTheDocument();
    });

    expect(
      await screen.findByText('Approved 1 of 2 requests.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'new.example.com: You may not decide this request: You cannot decide on your own request.',
      ),
    ).toBeInTheDocument();
    expect(bulk).toEqual([{ ids: ['r-old', 'r-new'], decision: 'approve' }]);
  });

  it('says clearly when someone else decided first (409)', async () => {
    useQueue([older]);
    server.use(
      http.post(`${base}/requests/:id/decision`, () =>
        HttpResponse.json(
          // The shape of Backstage's error middleware.
          {
            error: {
              name: 'ConflictError',
              message: 'Request r-old is already approved',
            },
            request: {
              method: 'POST',
              url: '/api/certificates/requests/r-old/decision',
            },
            response: { statusCode: 409 },
          },
          { status: 409 },
        ),
      ),
    );
    const user = userEvent.setup();
    await renderWithClient(<ApprovalsQueue />);
    await user.click(
      await screen.findByRole('button', { name: 'Approve old.example.com' }),
    );
    const alert = await screen.findByText(/already decided or changed state/);
    expect(alert).toHaveTextContent(
      'old.example.com: This request was already decided or changed state: Request r-old is already approved',
    );
  });

  it('can be worked from the keyboard: a approves and focus moves to the next row', async () => {
    const { decisions } = useQueue([older, newer]);
    const user = userEvent.setup();
    await renderWithClient(<ApprovalsQueue />);
    const first = await screen.findByTestId('approval-row-r-old');
    act(() => first.focus());
    await user.keyboard('a');
    await waitFor(() =>
      expect(
        screen.queryByTestId('approval-row-r-old'),
      ).not.toBeInTheDocument(),
    );
    expect(decisions.map(d => d.id)).toEqual(['r-old']);
    await waitFor(() =>
      expect(screen.getByTestId('approval-row-r-new')).toHaveFocus(),
    );
  });

  it('selects and denies in bulk without the mouse: x, D, a reason and Enter', async () => {
    const third = queued({
      id: 'r-third',
      name: 'third.example.com',
      hoursAgo: 1,
    });
    const { bulk, decisions } = useQueue([older, newer, third]);
    const user = userEvent.setup();
    await renderWithClient(<ApprovalsQueue />);
    // The oldest request has the keyboard as soon as the queue is shown.
    await waitFor(() =>
      expect(screen.getByTestId('approval-row-r-old')).toHaveFocus(),
    );
    // x selects and moves down: two presses select the two oldest.
    await user.keyboard('xx');
    expect(screen.getByText('3 pending, 2 selected')).toBeInTheDocument();
    expect(screen.getByTestId('approval-row-r-third')).toHaveFocus();
    await user.keyboard('D');
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Deny 2 requests')).toBeInTheDocument();
    // Enter without a reason confirms nothing: a denial needs one.
    await waitFor(() =>
      expect(within(dialog).getByLabelText(/Reason/)).toHaveFocus(),
    );
    await user.keyboard('{Enter}');
    expect(
      await within(dialog).findByText('A denial needs a reason.'),
    ).toBeInTheDocument();
    expect(bulk).toEqual([]);
    await user.keyboard('Not our domains{Enter}');
    expect(
      await screen.findByText('Denied 2 of 2 requests.'),
    ).toBeInTheDocument();
    expect(bulk).toEqual([
      { ids: ['r-old', 'r-new'], decision: 'deny', reason: 'Not our domains' },
    ]);
    expect(rows()).toHaveLength(1);

    // X selects everything left, A approves it after Enter in the dialog.
    act(() => screen.getByTestId('approval-row-r-third').focus());
    await user.keyboard('XA');
    const approve = await screen.findByRole('dialog');
    expect(
      within(approve).getByText('Approve third.example.com'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(within(approve).getByLabelText(/Reason/)).toHaveFocus(),
    );
    await user.keyboard('{Enter}');
    expect(
      await screen.findByText('No requests waiting for you'),
    ).toBeInTheDocument();
    expect(decisions.map(d => d.id)).toEqual(['r-third']);
  });

  it('filters by issuer, owner team and age through the API', async () => {
    const seen: URLSearchParams[] = [];
    useQueue([]);
    server.use(
      recordingGet('/approvals', seen, query => ({
        items: query.get('owner')
          ? [newer]
          : [
              { ...older, ownerRef: 'group:default/team-a' },
              { ...newer, ownerRef: 'group:default/team-b' },
            ],
      })),
    );
    const user = userEvent.setup();
    await renderWithClient(<ApprovalsQueue />);
    await screen.findByTestId('approval-row-r-old');

    await user.click(screen.getByLabelText('Issuer'));
    await user.click(
      await screen.findByRole('option', { name: 'Built-in CA' }),
    );
    await user.click(screen.getByLabelText('Owner team'));
    await user.click(
      await screen.findByRole('option', { name: 'group:default/team-b' }),
    );
    await user.click(screen.getByLabelText('Age'));
    await user.click(
      await screen.findByRole('option', { name: 'Older than 1 day' }),
    );
    await waitFor(() => {
      const last = seen[seen.length - 1];
      expect(last.getAll('issuer')).toEqual(['builtin']);
      expect(last.getAll('owner')).toEqual(['group:default/team-b']);
      expect(last.get('minAgeHours')).toBe('24');
    });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByTestId('approval-row-r-new')).toBeInTheDocument();
  });

  it('shows an empty state when nothing waits', async () => {
    useQueue([]);
    await renderWithClient(<ApprovalsQueue />);
    expect(
      await screen.findByText('No requests waiting for you'),
    ).toBeInTheDocument();
  });

  it('shows an error when the queue cannot be loaded', async () => {
    useQueue([]);
    server.use(
      failingGet('/approvals', 500, {
        name: 'Error',
        message: 'database unavailable',
      }),
    );
    await renderWithClient(<ApprovalsQueue />);
    expect(
      await screen.findByText(/Could not load the approval queue/),
    ).toBeInTheDocument();
  });
});

const CA_REASON =
  'It asks for a CA certificate (it is a CA certificate (isCA / basicConstraints CA:TRUE); its key usages include cert sign; its key usages include crl sign), and policy in-cluster allows no CA certificates from ClusterIssuer/corp-ca (caIssuers).';

/** An in-cluster CertificateRequest for a 10-year CA certificate, as the backend lists it. */
const caRow = queued({
  id: 'incluster:ca',
  name: 'shop-root.example.com',
  hoursAgo: 24,
  issuer: 'ClusterIssuer/corp-ca',
  requester: 'system:serviceaccount:shop:deployer',
  policyName: 'in-cluster',
  delivery: { kind: 'cert-manager', cluster: 'prod', namespace: 'shop' },
  inCluster: { cluster: 'prod', namespace: 'shop', name: 'shop-root-ca' },
  requested: {
    subject: 'CN=shop-root.example.com',
    commonName: 'shop-root.example.com',
    dnsNames: ['shop-root.example.com'],
    ipAddresses: [],
    uris: [],
    emails: [],
    isCA: true,
    keyUsages: ['cert sign', 'crl sign'],
    extendedKeyUsages: [],
    duration: '87600h',
    durationHours: 87600,
    key: { algorithm: 'EC', curve: 'P-256' },
    csrExtensions: [
      {
        oid: '2.5.29.19',
        name: 'basicConstraints',
        critical: true,
        value: 'CA:TRUE',
      },
    ],
  },
  approvability: {
    approvable: false,
    refusal: 'ca-certificate',
    reason: CA_REASON,
  },
});

describe('ApprovalsQueue and what the certificate will contain', () => {
  it('shows a CA request for what it is and disables its approval with the reason', async () => {
    const { decisions } = useQueue([older, caRow]);
    const user = userEvent.setup();
    await renderWithClient(<ApprovalsQueue />);
    const row = within(await screen.findByTestId('approval-row-incluster:ca'));
    expect(row.getByText('CA certificate')).toBeInTheDocument();
    expect(row.getByText('EC P-256 · 10 years (87600h)')).toBeInTheDocument();
    expect(row.getByText('cert sign, crl sign')).toBeInTheDocument();
    expect(row.getByText('CSR asks for: basicConstraints')).toBeInTheDocument();
    expect(
      row.getByText(`Cannot be approved: ${CA_REASON}`),
    ).toBeInTheDocument();
    const approve = row.getByRole('button', {
      name: 'Approve shop-root.example.com',
    });
    expect(approve).toBeDisabled();
    // Denying stays possible.
    expect(
      row.getByRole('button', { name: 'Deny shop-root.example.com' }),
    ).toBeEnabled();

    // The keyboard cannot approve it either: it says why and sends nothing.
    act(() => screen.getByTestId('approval-row-incluster:ca').focus());
    await user.keyboard('a');
    expect(
      await screen.findByText(
        `shop-root.example.com cannot be approved: ${CA_REASON}`,
      ),
    ).toBeInTheDocument();
    expect(decisions).toEqual([]);
    expect(screen.getByTestId('approval-row-incluster:ca')).toBeInTheDocument();
  });

  it('skips a request that cannot be approved in a bulk approval and says why', async () => {
    const { bulk } = useQueue([older, caRow]);
    const user = userEvent.setup();
    await renderWithClient(<ApprovalsQueue />);
    await approveAll(user);
    expect(
      await screen.findByText('Approved 1 of 2 requests.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        `shop-root.example.com: skipped, it cannot be approved: ${CA_REASON}`,
      ),
    ).toBeInTheDocument();
    expect(bulk).toEqual([{ ids: ['r-old'], decision: 'approve' }]);
    expect(screen.getByTestId('approval-row-incluster:ca')).toBeInTheDocument();
  });

  it('shows every name, the key, the usages and the validity of a portal request', async () => {
    useQueue([
      makeRequest({
        id: 'r-mtls',
        commonName: 'pay.example.com',
        dnsNames: ['pay.example.com'],
        ipAddresses: ['10.0.0.7'],
        uris: ['spiffe://example.com/pay'],
        clientAuth: true,
        keyAlgorithm: 'RSA-3072',
        validityDays: 30,
      }),
    ]);
    await renderWithClient(<ApprovalsQueue />);
    const row = within(await screen.findByTestId('approval-row-r-mtls'));
    expect(row.getByText('IP 10.0.0.7')).toBeInTheDocument();
    expect(row.getByText('URI spiffe://example.com/pay')).toBeInTheDocument();
    expect(row.getByText('RSA 3072 · 30 days (720h)')).toBeInTheDocument();
    expect(
      row.getByText(
        'digital signature, key encipherment, server auth, client auth',
      ),
    ).toBeInTheDocument();
    expect(row.queryByText('CA certificate')).not.toBeInTheDocument();
    expect(
      row.getByRole('button', { name: 'Approve pay.example.com' }),
    ).toBeEnabled();
  });

  it('opens an in-cluster request from its row, with every extension its CSR asks for', async () => {
    useQueue([caRow]);
    const user = userEvent.setup();
    await renderWithClient(<ApprovalsQueue />);
    act(() => screen.getByTestId('approval-row-incluster:ca').focus());
    await user.keyboard('{Enter}');
    const panel = within(
      await screen.findByRole('region', {
        name: 'Certificate request shop-root.example.com',
      }),
    );
    expect(panel.getByText('shop/shop-root-ca')).toBeInTheDocument();
    expect(
      panel.getByText('basicConstraints (critical): CA:TRUE'),
    ).toBeInTheDocument();
    expect(panel.getByText(/^A CA certificate: /)).toBeInTheDocument();
    expect(
      panel.getByText(`Cannot be approved: ${CA_REASON}`),
    ).toBeInTheDocument();
    expect(panel.getByText('10 years (87600h)')).toBeInTheDocument();
  });
});
