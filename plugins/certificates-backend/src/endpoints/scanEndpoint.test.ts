import {
  makeCaChain,
  makeLeaf,
  secretData,
  TestIssuer,
} from '../inventory/parsing/testPki';
import { parseTlsData, TrustStore } from '../inventory/parsing';
import { InventoryRow } from '../inventory/store';
import { joinPem, LocalServers } from './__testUtils__/localServers';
import {
  DeclaredEndpoint,
  EndpointJudgeContext,
  rowFromScan,
} from './judgeEndpoint';
import { scanEndpoint, ScanOptions } from './scanEndpoint';

jest.setTimeout(30_000);

const HOST = 'app.test';
const local = new LocalServers();
const serve = (chain: string[], keyPem: string) => local.tls(chain, keyPem);

const options: ScanOptions = {
  timeoutMs: 1000,
  allowPrivateNetworks: true,
  allowLoopback: true,
  resolve: async () => '127.0.0.1',
};

let root: TestIssuer;
let inter: TestIssuer;
let ctx: EndpointJudgeContext;

beforeAll(async () => {
  ({ root, issuing: inter } = await makeCaChain('Test'));
  ctx = {
    trust: TrustStore.fromPems([root.pem], { intermediates: [inter.pem] }),
    strictTrust: TrustStore.fromPems([root.pem]),
    thresholds: {},
    approvedIssuers: [],
    now: new Date(),
  };
});

afterAll(() => local.close());

const endpoint = (port: number, extra: Partial<DeclaredEndpoint> = {}) => ({
  host: HOST,
  port,
  source: 'annotation' as const,
  origin: 'component:default/app',
  entityRef: 'component:default/app',
  ownerRef: 'group:default/team-a',
  ...extra,
});

async function scanAndJudge(port: number, backing?: InventoryRow) {
  const target = endpoint(
    port,
    backing ? { secret: { id: backing.id, name: 'ns/app-tls' } } : {},
  );
  const scan = await scanEndpoint(target, options);
  return { scan, row: rowFromScan({ endpoint: target, scan, ctx, backing }) };
}

async function leafOf(issuer: TestIssuer | undefined, extra = {}) {
  return makeLeaf({ issuer, dnsNames: [HOST], ...extra });
}

describe('scanning local TLS endpoints', () => {
  it('records a good endpoint with its chain, address and no findings', async () => {
    const leaf = await leafOf(inter);
    const port = await serve([leaf.certPem, inter.pem], leaf.keyPem);
    const { scan, row } = await scanAndJudge(port);
    expect(scan.error).toBeUndefined();
    expect(scan.address).toBe('127.0.0.1');
    expect(row).toMatchObject({
      location: 'endpoint',
      cluster: '',
      secretName: `${HOST}:${port}`,
      status: 'valid',
      findings: [],
      entityRef: 'component:default/app',
    });
    expect(row.details.chain).toHaveLength(2);
    expect(row.details.endpoint).toMatchObject({ address: '127.0.0.1', port });
    expect(JSON.stringify(row)).not.toContain('PRIVATE KEY');
  });

  it('judges an expired served certificate expired', async () => {
    const leaf = await leafOf(inter, { notBeforeDays: -30, notAfterDays: -1 });
    const port = await serve([leaf.certPem, inter.pem], leaf.keyPem);
    const { row } = await scanAndJudge(port);
    expect(row.status).toBe('expired');
    expect(row.findings).toEqual([]);
  });

  it('reports a certificate for another host as hostname-mismatch', async () => {
    const leaf = await makeLeaf({ issuer: inter, dnsNames: ['other.test'] });
    const port = await serve([leaf.certPem, inter.pem], leaf.keyPem);
    const { row } = await scanAndJudge(port);
    expect(row.findings).toEqual(['hostname-mismatch']);
  });

  it('reports a server that leaves out the intermediate as chain-incomplete', async () => {
    const leaf = await leafOf(inter);
    const port = await serve([leaf.certPem], leaf.keyPem);
    const { row } = await scanAndJudge(port);
    expect(row.details.chain).toHaveLength(1);
    expect(row.findings).toEqual(['chain-incomplete']);
  });

  it('reports a self-signed served certificate', async () => {
    const leaf = await leafOf(undefined);
    const port = await serve([leaf.certPem], leaf.keyPem);
    const { row } = await scanAndJudge(port);
    expect(row.findings).toEqual(
      expect.arrayContaining(['self-signed', 'untrusted-chain']),
    );
    expect(row.findings).not.toContain('chain-incomplete');
  });

  it('reports an endpoint serving an older certificate than its Secret as served-outdated', async () => {
    const served = await leafOf(inter, { notBeforeDays: -20 });
    const renewed = await leafOf(inter, { notBeforeDays: -1 });
    const port = await serve([served.certPem, inter.pem], served.keyPem);
    const parsed = parseTlsData(
      secretData(joinPem([renewed.certPem, inter.pem])),
      ctx.trust,
    );
    const backing = {
      id: 'secret-row',
      cluster: 'prod',
      namespace: 'ns',
      secretName: 'app-tls',
      status: 'valid',
      findings: [],
      entityRef: 'component:default/from-ingress',
      chainPem: parsed.chainPem,
      details: { leaf: parsed.leaf, chain: parsed.chain, findingDetails: [] },
    } as InventoryRow;
    const { row } = await scanAndJudge(port, backing);
    expect(row.findings).toEqual(['served-outdated']);
    expect(row.details.findingDetails.at(-1)?.message).toContain('ns/app-tls');
    expect(row.details.endpoint?.secretId).toBe('secret-row');

    // Once the server reloads, the finding goes.
    const port2 = await serve([renewed.certPem, inter.pem], renewed.keyPem);
    expect((await scanAndJudge(port2, backing)).row.findings).toEqual([]);
  });

  it('reports a closed port as unreachable: refused', async () => {
    const port = await local.closedPort();
    const { scan, row } = await scanAndJudge(port);
    expect(scan.error).toEqual({ kind: 'refused', detail: 'ECONNREFUSED' });
    expect(row.findings).toContain('endpoint-unreachable');
    expect(row.details.endpoint?.error).toContain('refused');
    expect(row.status).toBe('unparseable');
  });

  it('gives up on a server that never answers the handshake: timeout', async () => {
    const port = await local.silent();
    const started = Date.now();
    const { scan, row } = await scanAndJudge(port);
    expect(scan.error?.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(row.findings).toEqual(['endpoint-unreachable']);
  });

  it('keeps the last served chain when a later scan fails', async () => {
    const leaf = await leafOf(inter);
    const port = await serve([leaf.certPem, inter.pem], leaf.keyPem);
    const first = await scanAndJudge(port);
    const target = endpoint(1);
    const row = rowFromScan({
      endpoint: target,
      scan: { error: { kind: 'dns', detail: 'ENOTFOUND' }, durationMs: 1 },
      ctx,
      previous: first.row,
    });
    expect(row.details.leaf?.fingerprintSha256).toBe(
      first.row.details.leaf?.fingerprintSha256,
    );
    expect(row.findings).toEqual(['endpoint-unreachable']);
  });

  it('never connects to a link-local address, and names the reason', async () => {
    const scan = await scanEndpoint(
      { host: 'metadata.test', port: 80 },
      { ...options, resolve: async () => '169.254.169.254' },
    );
    expect(scan.error).toEqual({
      kind: 'address-not-allowed',
      detail: '169.254.169.254 is a link-local address',
    });
    const loopback = await scanEndpoint(
      { host: '127.0.0.1', port: 1 },
      { ...options, allowLoopback: false },
    );
    expect(loopback.error?.kind).toBe('address-not-allowed');
  });

  it('reports a name that does not resolve as dns', async () => {
    const scan = await scanEndpoint(
      { host: 'nowhere.invalid', port: 443 },
      { ...options, resolve: undefined },
    );
    expect(scan.error?.kind).toBe('dns');
  });
});
