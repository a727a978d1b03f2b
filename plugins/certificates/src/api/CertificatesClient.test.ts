import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { CertificatesClient, toQueryString } from './CertificatesClient';
import { PolicyViolationError } from './PolicyViolationError';
import { CertificateRequestInput } from '@kubecerts/backstage-plugin-certificates-common';

const base = 'http://localhost:7007/api/certificates';
const server = setupServer();
registerMswTestHooks(server);

const client = new CertificatesClient({
  discoveryApi: { getBaseUrl: async () => base },
  fetchApi: { fetch: (input, init) => fetch(input, init) },
});

const input: CertificateRequestInput = {
  entityRef: 'component:default/payments',
  dnsNames: ['evil.example.org'],
  keyAlgorithm: 'ECDSA-P256',
  validityDays: 30,
  issuer: 'builtin',
  delivery: { kind: 'csr', csr: 'PEM' },
};

describe('CertificatesClient', () => {
  it('sends list filters as repeated query parameters', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(`${base}/certificates`, ({ request }) => {
        seen = new URL(request.url);
        return HttpResponse.json({ items: [], totalCount: 0 });
      }),
    );
    await client.listCertificates({
      status: ['expired', 'critical'],
      cluster: ['prod'],
      q: 'api',
      includeGone: false,
      sort: 'notAfter',
      order: 'asc',
      limit: 25,
      cursor: 'abc',
    });
    expect(seen!.searchParams.getAll('status')).toEqual([
      'expired',
      'critical',
    ]);
    expect(seen!.searchParams.get('cluster')).toBe('prod');
    expect(seen!.searchParams.get('q')).toBe('api');
    expect(seen!.searchParams.has('includeGone')).toBe(false);
    expect(seen!.searchParams.get('sort')).toBe('notAfter');
    expect(seen!.searchParams.get('cursor')).toBe('abc');
  });

  it('pages the approvals queue with limit and cursor', async () => {
    const seen: URL[] = [];
    server.use(
      http.get(`${base}/approvals`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url);
        return HttpResponse.json(
          url.searchParams.get('cursor')
            ? { items: [{ id: 'b' }], totalCount: 2 }
            : { items: [{ id: 'a' }], nextCursor: 'next-1', totalCount: 2 },
        );
      }),
    );
    expect(
      await client.listApprovals({ owner: 'group:default/team-a', limit: 1 }),
    ).toEqual({ items: [{ id: 'a' }], nextCursor: 'next-1', totalCount: 2 });
    expect(await client.listApprovals({ limit: 1, cursor: 'next-1' })).toEqual({
      items: [{ id: 'b' }],
      totalCount: 2,
    });
    expect(seen.map(u => u.search)).toEqual([
      '?owner=group%3Adefault%2Fteam-a&limit=1',
      '?limit=1&cursor=next-1',
    ]);
  });

  it('unwraps list envelopes', async () => {
    server.use(
      http.get(`${base}/clusters`, () =>
        HttpResponse.json({ items: [{ name: 'prod' }] }),
      ),
      http.get(`${base}/issuers`, () =>
        HttpResponse.json({ items: [{ id: 'builtin' }] }),
      ),
      http.get(`${base}/approvals/count`, () =>
        HttpResponse.json({ pending: 3 }),
      ),
      http.get(`${base}/timeline`, ({ request }) =>
        HttpResponse.json({
          buckets: [
            { weekStart: new URL(request.url).searchParams.get('weeks') },
          ],
        }),
      ),
    );
    expect(await client.listClusters()).toEqual([{ name: 'prod' }]);
    expect(await client.listIssuers()).toEqual([{ id: 'builtin' }]);
    expect(await client.getApprovalsCount()).toBe(3);
    expect(await client.getTimeline({ weeks: 12 })).toEqual([
      { weekStart: '12' },
    ]);
  });

  it('builds the CSV export URL from the filter and downloads it', async () => {
    const url = await client.getExportCsvUrl({
      finding: ['unowned'],
      owner: ['group:default/team-a'],
    });
    expect(url).toBe(
      `${base}/export.csv?owner=group%3Adefault%2Fteam-a&finding=unowned`,
    );
    server.use(
      http.get(
        `${base}/export.csv`,
        () =>
          new HttpResponse('id,name\n1,a\n', {
            headers: { 'Content-Type': 'text/csv' },
          }),
      ),
    );
    const blob = await client.exportCsv({ finding: ['unowned'] });
    expect(await blob.text()).toBe('id,name\n1,a\n');
  });

  it('turns a 400 with violations into a PolicyViolationError', async () => {
    server.use(
      http.post(`${base}/requests`, () =>
        HttpResponse.json(
          {
            error: { name: 'InputError', message: 'Policy violated' },
            violations: [
              { field: 'dnsNames[0]', reason: 'not allowed by policy' },
              { field: 'validityDays', reason: 'at most 90' },
            ],
            policyName: 'default',
          },
          { status: 400 },
        ),
      ),
    );
    const error = await client.createRequest(input).catch(e => e);
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect(error.message).toBe('Policy violated');
    expect(error.forField('dnsNames')).toEqual([
      { field: 'dnsNames[0]', reason: 'not allowed by policy' },
    ]);
    expect(error.details).toEqual({ policyName: 'default' });
  });

  it('resolves validation violations as a result', async () => {
    server.use(
      http.post(`${base}/requests/validate`, async ({ request }) => {
        const body = (await request.json()) as CertificateRequestInput;
        return HttpResponse.json(
          {
            error: { name: 'InputError', message: 'Policy violated' },
            violations: [{ field: 'dnsNames[0]', reason: body.dnsNames[0] }],
          },
          { status: 400 },
        );
      }),
    );
    await expect(client.validateRequest(input)).resolves.toEqual({
      ok: false,
      violations: [{ field: 'dnsNames[0]', reason: 'evil.example.org' }],
    });
  });

  it('turns other errors into ResponseErrors', async () => {
    server.use(
      http.post(`${base}/requests/:id/decision`, () =>
        HttpResponse.json(
          { error: { name: 'ConflictError', message: 'already decided' } },
          { status: 409 },
        ),
      ),
      http.get(`${base}/certificates/:id`, () =>
        HttpResponse.json(
          { error: { name: 'InputError', message: 'bad id' } },
          { status: 400 },
        ),
      ),
    );
    const conflict = await client
      .decide('r1', { decision: 'approve' })
      .catch(e => e);
    expect(conflict).toBeInstanceOf(ResponseError);
    expect(conflict.response.status).toBe(409);
    const bad = await client.getCertificate('x').catch(e => e);
    expect(bad).toBeInstanceOf(ResponseError);
    expect(bad).not.toBeInstanceOf(PolicyViolationError);
  });

  it('posts decisions, bulk decisions, cancel and renew', async () => {
    const calls: string[] = [];
    server.use(
      http.post(`${base}/*`, async ({ request }) => {
        calls.push(`${new URL(request.url).pathname} ${await request.text()}`);
        return HttpResponse.json({ results: [] });
      }),
    );
    await client.decide('r/1', { decision: 'deny', reason: 'no' });
    await client.bulkDecide({ ids: ['a', 'b'], decision: 'approve' });
    await client.cancelRequest('r1');
    expect(calls).toEqual([
      '/api/certificates/requests/r%2F1/decision {"decision":"deny","reason":"no"}',
      '/api/certificates/approvals/bulk {"ids":["a","b"],"decision":"approve"}',
      '/api/certificates/requests/r1/cancel {}',
    ]);
  });

  it('leaves empty values out of query strings', () => {
    expect(toQueryString({ a: undefined, b: '', c: [], d: true, e: 0 })).toBe(
      '?d=true&e=0',
    );
  });
});
