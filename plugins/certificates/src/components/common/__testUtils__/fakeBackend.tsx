import { ReactElement } from 'react';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ApiRef, RouteRef } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CertificateDetails,
  CertificateRequest,
  CertificateSummary,
  ClusterSyncStatus,
  CountsResponse,
  IssuerInfo,
  TimelineBucket,
} from '@kubecerts/backstage-plugin-certificates-common';
import { CertificatesClient, certificatesApiRef } from '../../../api';

/** Where the real client sends its calls in tests. */
export const base = 'http://localhost:7007/api/certificates';

/** An msw handler for GETs of `path` failing as the backend's error middleware answers. */
export function failingGet(
  path: string,
  status: number,
  error: { name: string; message: string },
) {
  return http.get(`${base}${path}`, () =>
    HttpResponse.json({ error }, { status }),
  );
}

/** An msw server with Backstage's hooks (reset between tests, unhandled calls fail). */
export function setupMswServer() {
  const server = setupServer();
  registerMswTestHooks(server);
  return server;
}
const DAY = 24 * 3600e3;

export function makeSummary(
  i: number,
  overrides: Partial<CertificateSummary> = {},
): CertificateSummary {
  const notAfter = new Date(Date.now() + (i + 1) * DAY).toISOString();
  return {
    id: `cert-${i}`,
    cluster: 'prod',
    namespace: 'payments',
    secretName: `tls-${i}`,
    commonName: `svc-${i}.example.com`,
    dnsNames: [`svc-${i}.example.com`],
    issuer: 'CN=Example Issuing CA',
    notBefore: new Date(Date.now() - 30 * DAY).toISOString(),
    notAfter,
    status: 'valid',
    findings: [],
    keyAlgorithm: 'EC',
    curve: 'P-256',
    fingerprintSha256: 'ab'.repeat(32),
    entityRef: 'component:default/payments',
    ownerRef: 'group:default/team-a',
    firstSeenAt: new Date(Date.now() - 30 * DAY).toISOString(),
    lastSeenAt: new Date().toISOString(),
    ...overrides,
  };
}

/**
 * The Secret payments/web-tls and the endpoint web.example.com:443 that
 * serves it, as the inventory lists them.
 */
export function makeSecretAndEndpoint(
  overrides: {
    secret?: Partial<CertificateSummary>;
    endpoint?: Partial<CertificateSummary>;
  } = {},
): CertificateSummary[] {
  return [
    makeSummary(1, {
      location: 'cluster',
      secretName: 'web-tls',
      dnsNames: ['web.example.com'],
      ...overrides.secret,
    }),
    makeSummary(2, {
      location: 'endpoint',
      cluster: undefined,
      namespace: '',
      secretName: 'web.example.com:443',
      ...overrides.endpoint,
    }),
  ];
}

export function makeDetails(
  overrides: Partial<CertificateDetails> = {},
): CertificateDetails {
  const summary = makeSummary(0);
  return {
    ...summary,
    leaf: {
      subject: 'CN=svc-0.example.com,O=Example',
      commonName: 'svc-0.example.com',
      issuer: 'CN=Example Issuing CA',
      serialNumber: '0a1b2c',
      notBefore: summary.notBefore!,
      notAfter: summary.notAfter!,
      dnsNames: ['svc-0.example.com', 'api.example.com'],
      ipAddresses: ['10.0.0.1'],
      uris: [],
      emails: [],
      keyAlgorithm: 'EC',
      curve: 'P-256',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      fingerprintSha256: 'ab'.repeat(32),
      isCA: false,
      selfSigned: false,
    },
    chain: [
      {
        subject: 'CN=svc-0.example.com',
        issuer: 'CN=Example Issuing CA',
        fingerprintSha256: 'ab'.repeat(32),
        notAfter: summary.notAfter!,
        isCA: false,
        trusted: true,
      },
      {
        subject: 'CN=Rogue Intermediate',
        issuer: 'CN=Unknown Root',
        fingerprintSha256: 'cd'.repeat(32),
        notAfter: summary.notAfter!,
        isCA: true,
        trusted: false,
      },
    ],
    findingDetails: [],
    ownership: {
      entityRef: 'component:default/payments',
      ownerRef: 'group:default/team-a',
      rule: 'secret-label',
    },
    usedBy: [
      {
        kind: 'Ingress',
        namespace: 'payments',
        name: 'web',
        hosts: ['svc-0.example.com'],
      },
    ],
    history: [{ at: summary.firstSeenAt, event: 'first-seen' }],
    ...overrides,
  };
}

function matches(c: CertificateSummary, params: URLSearchParams): boolean {
  const any = (key: string, value: string | undefined) => {
    const wanted = params.getAll(key);
    return (
      wanted.length === 0 || (value !== undefined && wanted.includes(value))
    );
  };
  const findings = params.getAll('finding');
  const q = params.get('q')?.toLocaleLowerCase('en-US');
  return (
    any('entityRef', c.entityRef) &&
    any('owner', c.ownerRef) &&
    any('location', c.location ?? 'cluster') &&
    any('cluster', c.cluster) &&
    any('namespace', c.namespace) &&
    any('status', c.status) &&
    any('issuer', c.issuer) &&
    (findings.length === 0 || c.findings.some(f => findings.includes(f))) &&
    (!q ||
      [c.commonName, c.secretName, c.namespace, ...c.dnsNames].some(v =>
        v?.toLocaleLowerCase('en-US').includes(q),
      ))
  );
}

/**
 * An in-memory certificates backend behind msw: filters, cursor paging,
 * counts and the other read routes, recording every URL it was asked for.
 */
export class FakeBackend {
  certificates: CertificateSummary[] = [];
  details: Record<string, CertificateDetails> = {};
  clusters: ClusterSyncStatus[] = [
    {
      name: 'prod',
      simulated: false,
      state: 'ok',
      lastSyncAt: new Date().toISOString(),
      certificateCount: 1,
    },
  ];
  issuers: IssuerInfo[] = [];
  timeline: TimelineBucket[] = [];
  /** The approvals queue, oldest first; paged by limit and an offset cursor. */
  approvals: CertificateRequest[] = [];
  /** What the signed-in user decided, as the "Decided by me" tab lists it. */
  decidedByMe: CertificateRequest[] = [];
  readonly seen: URL[] = [];
  readonly server = setupMswServer();

  /** Calls after registerMswTestHooks reset the handlers: install them in beforeEach. */
  install() {
    this.seen.length = 0;
    const record = (request: Request) => {
      const url = new URL(request.url);
      this.seen.push(url);
      return url;
    };
    this.server.use(
      http.get(`${base}/certificates`, ({ request }) => {
        const url = record(request);
        const p = url.searchParams;
        const all = this.certificates.filter(c => matches(c, p));
        const limit = Number(p.get('limit') ?? 50);
        const offset = Number(p.get('cursor') ?? 0);
        const items = all.slice(offset, offset + limit);
        return HttpResponse.json({
          items,
          totalCount: all.length,
          nextCursor:
            offset + limit < all.length ? String(offset + limit) : undefined,
        });
      }),
      http.get(`${base}/certificates/:id`, ({ request, params }) => {
        record(request);
        const d = this.details[params.id as string];
        return d
          ? HttpResponse.json(d)
          : HttpResponse.json(
              {
                error: {
                  name: 'NotFoundError',
                  message: 'no such certificate',
                },
              },
              { status: 404 },
            );
      }),
      http.post(`${base}/certificates/:id/renew`, ({ request }) => {
        record(request);
        return HttpResponse.json(
          { outcome: 'cert-manager-reissuing' },
          { status: 202 },
        );
      }),
      http.get(`${base}/counts`, ({ request }) => {
        const url = record(request);
        return HttpResponse.json(this.counts(url.searchParams));
      }),
      http.get(`${base}/timeline`, ({ request }) => {
        record(request);
        return HttpResponse.json({ buckets: this.timeline });
      }),
      http.get(`${base}/clusters`, ({ request }) => {
        record(request);
        return HttpResponse.json({ items: this.clusters });
      }),
      http.get(`${base}/issuers`, ({ request }) => {
        record(request);
        return HttpResponse.json({ items: this.issuers });
      }),
      // The requests of the entity, shown above its certificates.
      http.get(`${base}/requests`, ({ request }) => {
        record(request);
        return HttpResponse.json({ items: [] });
      }),
      // The pending-approvals badge of the nav item.
      http.get(`${base}/approvals/count`, ({ request }) => {
        record(request);
        return HttpResponse.json({ pending: this.approvals.length });
      }),
      http.get(`${base}/approvals/history`, ({ request }) => {
        record(request);
        return HttpResponse.json({ items: this.decidedByMe });
      }),
      http.get(`${base}/approvals`, ({ request }) => {
        const p = record(request).searchParams;
        const limit = Number(p.get('limit') ?? 100);
        const offset = Number(p.get('cursor') ?? 0);
        return HttpResponse.json({
          items: this.approvals.slice(offset, offset + limit),
          totalCount: this.approvals.length,
          nextCursor:
            offset + limit < this.approvals.length
              ? String(offset + limit)
              : undefined,
        });
      }),
      http.post(`${base}/approvals/bulk`, async ({ request }) => {
        record(request);
        const body = (await request.json()) as { ids: string[] };
        this.approvals = this.approvals.filter(r => !body.ids.includes(r.id));
        return HttpResponse.json({
          results: body.ids.map(id => ({ id, ok: true, state: 'approved' })),
        });
      }),
      http.get(`${base}/export.csv`, ({ request }) => {
        record(request);
        return new HttpResponse('id\n', {
          headers: { 'Content-Type': 'text/csv' },
        });
      }),
    );
  }

  counts(params: URLSearchParams): CountsResponse {
    const rows = this.certificates.filter(c => matches(c, params));
    const counts: CountsResponse = {
      total: rows.length,
      byStatus: {},
      byFinding: {},
      byCluster: [],
      byIssuer: [],
      byOwner: [],
    };
    const bump = <K extends string>(
      arr: Array<Record<K, any> & { count: number }>,
      key: K,
      value: any,
    ) => {
      const row = arr.find(r => r[key] === value);
      if (row) row.count += 1;
      else arr.push({ [key]: value, count: 1 } as any);
    };
    for (const c of rows) {
      counts.byStatus[c.status] = (counts.byStatus[c.status] ?? 0) + 1;
      for (const f of c.findings)
        counts.byFinding[f] = (counts.byFinding[f] ?? 0) + 1;
      bump(counts.byCluster, 'cluster', c.cluster);
      bump(counts.byIssuer, 'issuer', c.issuer ?? 'unknown');
      bump(counts.byOwner, 'owner', c.ownerRef ?? null);
    }
    counts.nearestExpiry = [...rows]
      .filter(c => c.notAfter)
      .sort((a, b) => a.notAfter!.localeCompare(b.notAfter!))[0];
    return counts;
  }

  /** URLs seen for a path, e.g. '/certificates'. */
  requests(path: string): URL[] {
    return this.seen.filter(u => u.pathname === `/api/certificates${path}`);
  }
}

/** The fake backend of a test file, with fresh handlers before each test. */
export function installFakeBackend(): FakeBackend {
  const backend = new FakeBackend();
  beforeEach(() => backend.install());
  return backend;
}

/** A component that runs in Kubernetes (it has a kubernetes-id). */
export const paymentsComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'payments' },
  },
  spec: { owner: 'team-a', type: 'service', lifecycle: 'production' },
};

/** The owner of paymentsComponent, as its catalog Group. */
export const teamAGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

export function renderWithBackend(
  ui: ReactElement,
  options: {
    routeEntries?: string[];
    /** The permission policy's answer; everything is allowed unless given. */
    permissionApi?: PermissionApi;
    mountedRoutes?: Record<string, RouteRef>;
    /** More APIs, e.g. the identity of the signed-in user. */
    apis?: ReadonlyArray<readonly [ApiRef<any>, any]>;
  } = {},
) {
  const client = new CertificatesClient({
    discoveryApi: { getBaseUrl: async () => base },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [certificatesApiRef, client],
        [permissionApiRef, options.permissionApi ?? mockApis.permission()],
        ...(options.apis ?? []),
      ]}
    >
      {ui}
    </TestApiProvider>,
    {
      routeEntries: options.routeEntries,
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        ...options.mountedRoutes,
      },
    },
  );
}
