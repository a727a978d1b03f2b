import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import {
  FakeBackend,
  base,
  makeSummary,
} from '../common/__testUtils__/fakeBackend';
import { renderWithBackend } from '../common/__testUtils__/fakeBackend';
import { InventoryPage } from './InventoryPage';

const backend = new FakeBackend();
beforeEach(() => {
  backend.install();
  backend.certificates = [
    makeSummary(1, {
      status: 'critical',
      cluster: 'prod',
      commonName: 'pay.example.com',
    }),
    makeSummary(2, {
      status: 'valid',
      cluster: 'staging',
      commonName: 'rogue.example.com',
      entityRef: undefined,
      ownerRef: undefined,
      findings: ['unowned'],
    }),
    makeSummary(3, {
      status: 'expired',
      cluster: 'prod',
      commonName: 'weak.example.com',
      findings: ['weak-key'],
    }),
  ];
  backend.issuers = [
    {
      id: 'builtin',
      type: 'builtin',
      displayName: 'Built-in CA',
      supportsRevocation: true,
      deliveries: ['csr', 'secret'],
      caCertificate: {
        subject: 'CN=Backstage Issuing CA',
        fingerprintSha256: '0f'.repeat(32),
        notBefore: '2026-01-01T00:00:00Z',
        notAfter: '2031-01-01T00:00:00Z',
        pem: '-----BEGIN CERTIFICATE-----',
      },
    },
  ];
  backend.timeline = [
    {
      weekStart: '2026-12-07T00:00:00Z',
      total: 2,
      byStatus: { critical: 1, expiring: 1 },
    },
    { weekStart: '2026-12-14T00:00:00Z', total: 0, byStatus: {} },
  ];
});

const renderPage = (url = '/certificates') =>
  renderWithBackend(<InventoryPage />, { routeEntries: [url] });

describe('InventoryPage', () => {
  it('shows headline counts, the expiry chart, breakdowns and the issuers', async () => {
    await renderPage();
    expect(await screen.findByLabelText('Certificates: 3')).toBeInTheDocument();
    expect(screen.getByLabelText('Expired: 1')).toBeInTheDocument();
    expect(screen.getByLabelText('Unowned: 1')).toBeInTheDocument();
    expect(
      screen.getByLabelText('Findings (non-compliance): 1'),
    ).toBeInTheDocument();
    expect(await screen.findAllByTestId('timeline-week')).toHaveLength(2);
    expect(
      screen.getByText(
        'Week of 2026-12-07: 2 expiring (1 critical, 1 expiring)',
      ),
    ).toBeInTheDocument();
    expect(backend.requests('/timeline')[0].searchParams.get('weeks')).toBe(
      '12',
    );
    expect(screen.getByText('By cluster')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'staging' })).toBeInTheDocument();
    expect(await screen.findByText('Built-in CA')).toBeInTheDocument();
    expect(screen.getByText('CN=Backstage Issuing CA')).toBeInTheDocument();
    expect(screen.getByText(/^0F:0F:0F/)).toBeInTheDocument();
  });

  it('filters the table from a breakdown click and keeps the filter in the URL', async () => {
    await renderPage();
    await userEvent.click(
      await screen.findByRole('button', { name: 'staging' }),
    );
    expect(await screen.findByText('rogue.example.com')).toBeInTheDocument();
    expect(screen.queryByText('pay.example.com')).not.toBeInTheDocument();
    const list = backend.requests('/certificates').at(-1)!.searchParams;
    expect(list.getAll('cluster')).toEqual(['staging']);
  });

  it('reads every filter from a shared link and exports the same filter as CSV', async () => {
    const createObjectURL = jest.fn(() => 'blob:csv');
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    await renderPage(
      '/certificates?view=all&status=critical&status=expired&cluster=prod&namespace=payments&issuer=CN%3DExample%20Issuing%20CA&owner=group%3Adefault%2Fteam-a&finding=weak-key&q=weak',
    );
    expect(await screen.findByText('weak.example.com')).toBeInTheDocument();
    const list = backend.requests('/certificates')[0].searchParams;
    expect(list.getAll('status')).toEqual(['critical', 'expired']);
    expect(list.get('cluster')).toBe('prod');
    expect(list.get('namespace')).toBe('payments');
    expect(list.get('issuer')).toBe('CN=Example Issuing CA');
    expect(list.get('owner')).toBe('group:default/team-a');
    expect(list.get('finding')).toBe('weak-key');
    expect(list.get('q')).toBe('weak');

    await userEvent.click(screen.getByRole('button', { name: /export csv/i }));
    await waitFor(() =>
      expect(backend.requests('/export.csv')).toHaveLength(1),
    );
    const csv = backend.requests('/export.csv')[0].searchParams;
    expect(csv.getAll('status')).toEqual(['critical', 'expired']);
    expect(csv.get('q')).toBe('weak');
    expect(csv.get('owner')).toBe('group:default/team-a');
    await waitFor(() => expect(createObjectURL).toHaveBeenCalled());
  });

  it('has an Unowned view and a Non-compliant view', async () => {
    await renderPage('/certificates?view=unowned');
    expect(await screen.findByText('rogue.example.com')).toBeInTheDocument();
    expect(screen.queryByText('weak.example.com')).not.toBeInTheDocument();
    expect(
      backend.requests('/certificates')[0].searchParams.getAll('finding'),
    ).toEqual(['unowned']);

    await userEvent.click(screen.getByRole('tab', { name: 'Non-compliant' }));
    expect(await screen.findByText('weak.example.com')).toBeInTheDocument();
    const findings = backend
      .requests('/certificates')
      .at(-1)!
      .searchParams.getAll('finding');
    expect(findings).toContain('weak-key');
    expect(findings).not.toContain('unowned');
  });

  it('shows cluster sync status with the simulated label and degraded reason', async () => {
    backend.clusters = [
      {
        name: 'demo',
        simulated: true,
        state: 'ok',
        lastSyncAt: new Date().toISOString(),
        certificateCount: 12,
      },
      {
        name: 'edge',
        simulated: false,
        state: 'degraded',
        degradedReason: '403 Forbidden listing secrets',
        certificateCount: 3,
      },
    ];
    await renderPage('/certificates?view=clusters');
    expect(await screen.findByText('demo (simulated)')).toBeInTheDocument();
    expect(
      screen.getByText('Degraded: 403 Forbidden listing secrets'),
    ).toBeInTheDocument();
  });

  it('shows the headline counts before the timeline and the clusters have answered', async () => {
    let release = () => {};
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    backend.clusters = [];
    backend.server.use(
      http.get(`${base}/timeline`, async () => {
        await held;
      }),
      http.get(`${base}/clusters`, async () => {
        await held;
      }),
    );
    await renderPage();
    expect(await screen.findByLabelText('Certificates: 3')).toBeInTheDocument();
    expect(screen.queryAllByTestId('timeline-week')).toHaveLength(0);
    expect(
      screen.queryByText('No clusters configured'),
    ).not.toBeInTheDocument();

    release();
    expect(await screen.findAllByTestId('timeline-week')).toHaveLength(2);
    expect(
      await screen.findByText('No clusters configured'),
    ).toBeInTheDocument();
  });

  it('says how to add a cluster when there is none', async () => {
    backend.clusters = [];
    await renderPage('/certificates?view=clusters');
    expect(
      await screen.findByText('No clusters configured'),
    ).toBeInTheDocument();
    expect(screen.getByText('certificates.clusters')).toBeInTheDocument();
  });

  it('shows empty views and errors', async () => {
    backend.certificates = [];
    await renderPage('/certificates?view=non-compliant');
    expect(
      await screen.findByText(
        'No certificate has a finding: everything complies.',
      ),
    ).toBeInTheDocument();
    backend.server.use(
      http.get(`${base}/issuers`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'boom' } },
          { status: 503 },
        ),
      ),
    );
    await userEvent.click(screen.getByRole('tab', { name: 'Issuers' }));
    expect((await screen.findAllByText(/503/)).length).toBeGreaterThan(0);
  });

  it('opens the details drawer from the URL', async () => {
    backend.details['cert-9'] = {
      ...makeSummary(9, { commonName: 'linked.example.com' }),
      chain: [],
      findingDetails: [],
      ownership: {},
      usedBy: [],
      history: [],
    };
    await renderPage('/certificates?view=all&certificate=cert-9');
    const details = await screen.findByRole('region', {
      name: 'Certificate details',
    });
    expect(
      await within(details).findByText('linked.example.com'),
    ).toBeInTheDocument();
    expect(
      within(details).getByText(
        'No cert-manager Certificate manages this Secret.',
      ),
    ).toBeInTheDocument();
  });
});
