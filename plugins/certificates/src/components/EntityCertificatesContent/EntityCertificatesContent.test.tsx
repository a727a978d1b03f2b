import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  paymentsComponent,
  installFakeBackend,
  base,
  makeDetails,
  makeSecretAndEndpoint,
  makeSummary,
  renderWithBackend,
} from '../common/__testUtils__/fakeBackend';
import { EntityCertificatesContent } from './EntityCertificatesContent';

const component = paymentsComponent;

const backend = installFakeBackend();
/** The table's list requests (the stored-and-served part asks by location). */
const tableRequests = () =>
  backend
    .requests('/certificates')
    .filter(u => !u.searchParams.has('location'));

const renderTab = (
  entity: Entity = component,
  routeEntries: string[] = ['/'],
) =>
  renderWithBackend(
    <EntityProvider entity={entity}>
      <EntityCertificatesContent />
    </EntityProvider>,
    { routeEntries },
  );

/** The tab over certificates with these common names, once the first is listed. */
async function renderTabListing(...commonNames: string[]) {
  backend.certificates = commonNames.map((commonName, i) =>
    makeSummary(i + 1, { commonName }),
  );
  await renderTab();
  expect(await screen.findByText(commonNames[0])).toBeInTheDocument();
}

describe('EntityCertificatesContent', () => {
  it('lists the entity’s certificates a page at a time and leaves room for the toolbar', async () => {
    backend.certificates = Array.from({ length: 1000 }, (_, i) =>
      makeSummary(i, {
        findings: i === 0 ? ['weak-key', 'self-signed'] : [],
        dnsNames: [`svc-${i}.example.com`, `alt-${i}.example.com`],
      }),
    );
    await renderTab();
    expect(
      (await screen.findAllByText('svc-0.example.com'))[0],
    ).toBeInTheDocument();

    expect(screen.getAllByText('svc-24.example.com')[0]).toBeInTheDocument();
    expect(screen.queryByText('svc-25.example.com')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('certificate-row')).toHaveLength(25);
    expect(
      screen.getByText('svc-0.example.com, alt-0.example.com'),
    ).toBeInTheDocument();
    expect(screen.getByText('Weak key')).toBeInTheDocument();
    expect(screen.getByText('Self-signed')).toBeInTheDocument();
    expect(screen.getAllByText('payments/tls-0').length).toBe(1);
    expect(screen.getByTestId('certificates-tab-toolbar')).toHaveAttribute(
      'data-entity-ref',
      'component:default/payments',
    );
    const list = tableRequests()[0].searchParams;
    expect(list.getAll('entityRef')).toEqual(['component:default/payments']);
    expect(list.get('limit')).toBe('25');
    expect(list.get('sort')).toBe('notAfter');
    // Only one page is fetched, whatever the size of the inventory.
    expect(tableRequests()).toHaveLength(1);

    // No counts until the filters are opened.
    expect(backend.requests('/counts')).toHaveLength(0);

    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    expect(
      (await screen.findAllByText('svc-25.example.com'))[0],
    ).toBeInTheDocument();
    expect(screen.queryByText('svc-24.example.com')).not.toBeInTheDocument();
    expect(tableRequests()[1].searchParams.get('cursor')).toBe('25');

    await userEvent.click(
      screen.getByRole('button', { name: /previous page/i }),
    );
    expect(
      (await screen.findAllByText('svc-0.example.com'))[0],
    ).toBeInTheDocument();
    expect(tableRequests()[2].searchParams.get('cursor')).toBeNull();
  });

  it('applies filters saved in the URL and writes new ones', async () => {
    backend.certificates = [
      makeSummary(1, { status: 'expired', commonName: 'old.example.com' }),
      makeSummary(2, { status: 'valid', commonName: 'fine.example.com' }),
    ];
    await renderTab(component, ['/?status=expired&q=old']);
    expect(await screen.findByText('old.example.com')).toBeInTheDocument();
    expect(screen.queryByText('fine.example.com')).not.toBeInTheDocument();
    const list = tableRequests()[0].searchParams;
    expect(list.getAll('status')).toEqual(['expired']);
    expect(list.get('q')).toBe('old');

    // A link with filters set opens the filter controls.
    await userEvent.click(
      await screen.findByRole('button', { name: /clear filters/i }),
    );
    expect(await screen.findByText('fine.example.com')).toBeInTheDocument();
    expect(
      screen.getByRole('textbox', { name: 'Search certificates' }),
    ).toHaveValue('');
  });

  it('sorts on the server when a column header is clicked', async () => {
    await renderTabListing('b.example.com', 'a.example.com');

    await userEvent.click(screen.getByRole('button', { name: 'Name' }));
    await waitFor(() => expect(tableRequests()).toHaveLength(2));
    let list = tableRequests()[1].searchParams;
    expect(list.get('sort')).toBe('commonName');
    expect(list.get('order')).toBe('asc');
    expect(list.get('cursor')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Name' }));
    await waitFor(() => expect(tableRequests()).toHaveLength(3));
    list = tableRequests()[2].searchParams;
    expect(list.get('sort')).toBe('commonName');
    expect(list.get('order')).toBe('desc');
    expect(screen.getByRole('columnheader', { name: /name/i })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
  });

  it('loads the filter choices only when the filters are opened', async () => {
    backend.certificates = [
      makeSummary(1, { cluster: 'prod', status: 'valid' }),
      makeSummary(2, { cluster: 'prod', status: 'expired' }),
    ];
    await renderTab();
    expect(
      (await screen.findAllByText('svc-1.example.com'))[0],
    ).toBeInTheDocument();
    expect(backend.requests('/counts')).toHaveLength(0);
    expect(screen.queryByLabelText('Status')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Filters' }));
    await screen.findByLabelText('Status');
    await waitFor(() => expect(backend.requests('/counts')).toHaveLength(1));
    expect(
      backend.requests('/counts')[0].searchParams.getAll('entityRef'),
    ).toEqual(['component:default/payments']);
  });

  it('searches on the server as the user types', async () => {
    await renderTabListing('one.example.com', 'two.example.com');
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search certificates' }),
      'two',
    );
    await waitFor(() =>
      expect(screen.queryByText('one.example.com')).not.toBeInTheDocument(),
    );
    expect(screen.getByText('two.example.com')).toBeInTheDocument();
    const last = tableRequests().slice(-1)[0];
    expect(last.searchParams.get('q')).toBe('two');
  });

  it('aggregates a group’s entities by owner and shows the owner column', async () => {
    backend.certificates = [
      makeSummary(1),
      makeSummary(2, { ownerRef: 'group:default/team-b' }),
    ];
    await renderTab({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'team-a', namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
    expect(
      (await screen.findAllByText('svc-1.example.com'))[0],
    ).toBeInTheDocument();
    expect(screen.queryByText('svc-2.example.com')).not.toBeInTheDocument();
    expect(screen.getByText('Owner')).toBeInTheDocument();
    expect(tableRequests()[0].searchParams.getAll('owner')).toEqual([
      'group:default/team-a',
    ]);
  });

  it('opens the details of a selected certificate', async () => {
    backend.certificates = [makeSummary(0)];
    backend.details['cert-0'] = makeDetails({
      findings: ['untrusted-chain'],
      findingDetails: [
        {
          kind: 'untrusted-chain',
          message:
            'The chain ends at CN=Unknown Root, which is not an approved root.',
          remedy: 'Reissue it from an approved issuer.',
        },
      ],
    });
    await renderTab();
    await userEvent.click((await screen.findAllByText('svc-0.example.com'))[0]);
    const details = await screen.findByRole('region', {
      name: 'Certificate details',
    });
    expect(
      await within(details).findByText(
        'The chain ends at CN=Unknown Root, which is not an approved root.',
      ),
    ).toBeInTheDocument();
    expect(
      within(details).getByText('DNS:api.example.com'),
    ).toBeInTheDocument();
    expect(within(details).getByText('IP:10.0.0.1')).toBeInTheDocument();
    expect(within(details).getByText('not trusted')).toBeInTheDocument();
    expect(
      within(details).getByText('Ingress payments/web'),
    ).toBeInTheDocument();

    await userEvent.click(
      within(details).getByRole('button', { name: 'Close details' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('region', { name: 'Certificate details' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('shows progress while the list loads', async () => {
    const waiting: Array<() => void> = [];
    const release = () => waiting.forEach(r => r());
    const arrived = new Promise<void>(resolve => {
      backend.server.use(
        http.get(`${base}/certificates`, async () => {
          resolve();
          await new Promise<void>(r => {
            waiting.push(r);
          });
          return HttpResponse.json({
            items: [makeSummary(7)],
            totalCount: 1,
          });
        }),
      );
    });
    await renderTab();
    await arrived;
    expect(
      screen.getByRole('progressbar', { name: 'Loading certificates' }),
    ).toBeInTheDocument();
    release();
    expect(
      (await screen.findAllByText('svc-7.example.com'))[0],
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('progressbar', { name: 'Loading certificates' }),
    ).not.toBeInTheDocument();
  });

  it('explains an empty tab', async () => {
    backend.certificates = [];
    await renderTab();
    expect(
      await screen.findByText('No certificates found for this entity.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('backstage.io/kubernetes-id=payments'),
    ).toBeInTheDocument();
    // Nothing at all: no endpoint rows either, so they are not asked for.
    await new Promise(r => setTimeout(r, 50));
    expect(backend.requests('/certificates')).toHaveLength(1);
  });

  it('asks for endpoint rows only once the table has its first page', async () => {
    backend.certificates = makeSecretAndEndpoint();
    // The table's request is held until released; every request is noted
    // as it arrives.
    const arrived: string[][] = [];
    let release = () => {};
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    backend.server.use(
      http.get(`${base}/certificates`, async ({ request }) => {
        const locations = new URL(request.url).searchParams.getAll('location');
        arrived.push(locations);
        if (locations.length === 0) await held;
      }),
    );
    await renderTab();
    await waitFor(() => expect(arrived).toHaveLength(1));
    await new Promise(r => setTimeout(r, 50));
    expect(arrived).toEqual([[]]);

    release();
    expect(await screen.findByTestId('stored-and-served')).toBeInTheDocument();
    expect(
      backend
        .requests('/certificates')
        .map(u => u.searchParams.getAll('location')),
    ).toEqual([[], ['endpoint'], ['cluster', 'portal']]);
  });

  it('shows the error of a failed list', async () => {
    backend.server.use(
      http.get(`${base}/certificates`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database down' } },
          { status: 500 },
        ),
      ),
    );
    await renderTab();
    expect((await screen.findAllByText(/500/)).length).toBeGreaterThan(0);
  });
});
