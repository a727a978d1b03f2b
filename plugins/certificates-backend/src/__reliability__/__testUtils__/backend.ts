import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { Knex } from 'knex';
import { Server } from 'node:http';
import request from 'supertest';
import { BuiltinCa } from '../../ca/BuiltinCa';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { certificatesPlugin } from '../../plugin';
import { eventually as retryUntil } from '../../__testUtils__/fixtures';
import { pluginStorageAndConfig } from '../../__testUtils__/testBackend';
import { suiteTally } from '../counters';
import {
  AllowAllPermissions,
  CapturingLogger,
  membershipUserInfo,
} from './capture';
import {
  CA_KEY,
  catalogEntities,
  CERT_MANAGER_ISSUER,
  CLUSTER,
  initialMembership,
  OPEN_REQUEST_CAP,
  policies,
} from './world';

const BASE = '/api/certificates';

/** The databases the HTTP suites run on, SQLite first. */
export const reliabilityDatabases = () =>
  TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** What every HTTP suite opens with: its time limit, its tally and its databases. */
export function reliabilitySuite(suite: string, timeoutMs: number) {
  jest.setTimeout(timeoutMs);
  return { tally: suiteTally(suite), databases: reliabilityDatabases() };
}

/** Answers kept for the leak scan: method, path, status and body text. */
export interface CapturedResponse {
  method: string;
  path: string;
  status: number;
  text: string;
}

export interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Record<string, string>;
}

export function eventually<T>(
  assertion: () => Promise<T> | T,
  timeoutMs = 20_000,
): Promise<T> {
  return retryUntil(assertion, timeoutMs);
}

type Who = string | 'service' | 'none';

function authHeader(who: Who): string | undefined {
  if (who === 'none') return undefined;
  if (who === 'service') return mockCredentials.service.header();
  return mockCredentials.user.header(who);
}

/**
 * The real certificates backend plugin on a test backend, with the
 * simulated Kubernetes API as its only cluster, an in-memory catalog of the
 * demo-like world, a permission policy that allows everything, and every
 * log line and answer captured.
 */
export class ReliabilityBackend {
  readonly responses: CapturedResponse[] = [];
  /** Calls that reached the built-in CA (sign, issue, revoke). */
  readonly caCalls: string[] = [];

  private constructor(
    readonly server: Server,
    readonly knex: Knex,
    readonly sim: KubernetesApiSimulator,
    readonly logger: CapturingLogger,
    readonly permissions: AllowAllPermissions,
    readonly membership: Map<string, string[]>,
    readonly catalog: InMemoryCatalogClient,
    private readonly entities: Entity[],
    private readonly stopBackend: () => Promise<void>,
    private readonly restoreSpies: () => void,
  ) {}

  static async start(options: {
    knex: Knex;
    config?: Record<string, unknown>;
  }): Promise<ReliabilityBackend> {
    const sim = await KubernetesApiSimulator.start({ clusterName: CLUSTER });
    for (const name of ['payments', 'storefront', 'kube-system']) {
      sim.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: CERT_MANAGER_ISSUER },
      spec: { ca: { secretName: 'corp-ca' } },
    } as any);
    const membership = initialMembership();
    const entities = catalogEntities(membership);
    // The client copies the list, not the entities: setGroups edits them in place.
    const catalog = new InMemoryCatalogClient({ entities });
    const logger = new CapturingLogger();
    const permissions = new AllowAllPermissions();
    const caCalls: string[] = [];
    const spies = (['sign', 'issue', 'revoke'] as const).map(method => {
      const original = BuiltinCa.prototype[method] as (...a: any[]) => any;
      const spy = jest
        .spyOn(BuiltinCa.prototype, method)
        .mockImplementation(function counted(this: BuiltinCa, ...args: any[]) {
          caCalls.push(method);
          return original.apply(this, args);
        } as any);
      return spy;
    });
    const testBackend = await startTestBackend({
      features: [
        certificatesPlugin,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalog,
        }),
        membershipUserInfo(membership),
        permissions.factory(),
        logger.factory(),
        ...pluginStorageAndConfig(options.knex, {
          builtinCa: { encryptionKey: CA_KEY },
          clusters: [
            {
              name: CLUSTER,
              url: sim.url,
              serviceAccountToken: sim.adminToken,
              skipTLSVerify: true,
            },
          ],
          certManagerIssuers: [
            {
              id: CERT_MANAGER_ISSUER,
              cluster: CLUSTER,
              name: CERT_MANAGER_ISSUER,
              kind: 'ClusterIssuer',
            },
          ],
          policies: policies(),
          requests: { maxOpenPerUser: OPEN_REQUEST_CAP },
          approvals: {
            inCluster: {
              enabled: true,
              approvers: ['group:default/security'],
            },
          },
          ...options.config,
        }),
      ],
    });
    const backend = new ReliabilityBackend(
      testBackend.server as unknown as Server,
      options.knex,
      sim,
      logger,
      permissions,
      membership,
      catalog,
      entities,
      async () => {
        await testBackend.stop();
      },
      () => spies.forEach(s => s.mockRestore()),
    );
    (backend as { caCalls: string[] }).caCalls = caCalls;
    await eventually(async () => {
      const res = await backend.get('alice', '/clusters');
      const cluster = res.body?.items?.find((c: any) => c.name === CLUSTER);
      if (cluster?.state !== 'ok') {
        throw new Error(`cluster not ready: ${JSON.stringify(res.body)}`);
      }
    });
    return backend;
  }

  async stop() {
    try {
      await this.stopBackend();
    } finally {
      this.restoreSpies();
      await this.sim.stop();
    }
  }

  private keep(method: string, path: string, res: request.Response): Answer {
    this.responses.push({
      method,
      path,
      status: res.status,
      text: res.text ?? '',
    });
    return {
      status: res.status,
      body: res.body,
      text: res.text ?? '',
      headers: res.headers as Record<string, string>,
    };
  }

  /** GET as a user ('alice'), a user ref, 'service' or 'none'. */
  async get(who: Who, path: string): Promise<Answer> {
    const req = request(this.server).get(`${BASE}${path}`);
    const header = authHeader(userRef(who));
    if (header) req.set('Authorization', header);
    return this.keep('GET', path, await req);
  }

  /** GET binary content (the CRL), kept base64 for the leak scan. */
  async getBuffer(path: string, who: Who = 'alice'): Promise<Buffer> {
    const req = request(this.server)
      .get(`${BASE}${path}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const header = authHeader(userRef(who));
    if (header) req.set('Authorization', header);
    const res = await req;
    const body = res.body as Buffer;
    this.responses.push({
      method: 'GET',
      path,
      status: res.status,
      text: body.toString('base64'),
    });
    if (res.status !== 200)
      throw new Error(`GET ${path} answered ${res.status}`);
    return body;
  }

  /** Moves a user between groups, in userInfo and in the catalog alike. */
  setGroups(user: string, groups: string[]) {
    const ref = String(userRef(user));
    this.membership.set(ref, groups);
    for (const entity of this.entities) {
      const name = entity.metadata.name;
      if (entity.kind === 'User' && `user:default/${name}` === ref) {
        (entity.spec as any).memberOf = [...groups];
        entity.relations = groups.map(g => ({
          type: 'memberOf',
          targetRef: g,
        }));
      }
      if (entity.kind === 'Group') {
        const groupRef = `group:default/${name}`;
        const others = (entity.relations ?? []).filter(
          r => r.targetRef !== ref,
        );
        entity.relations = groups.includes(groupRef)
          ? [...others, { type: 'hasMember', targetRef: ref }]
          : others;
        (entity.spec as any).members = entity.relations.map(
          r => r.targetRef.split('/')[1],
        );
      }
    }
  }

  /** Writes the simulated cluster served since `since` (an index into sim.requests()). */
  clusterWritesSince(since: number) {
    return this.sim
      .requests()
      .slice(since)
      .filter(
        r => !['GET', 'HEAD', 'OPTIONS'].includes(r.method.toUpperCase()),
      );
  }

  /** POST a JSON body (or raw text with its own content type). */
  async post(
    who: Who,
    path: string,
    body?: unknown,
    raw?: { contentType: string },
  ): Promise<Answer> {
    const req = request(this.server).post(`${BASE}${path}`);
    const header = authHeader(userRef(who));
    if (header) req.set('Authorization', header);
    if (raw) req.set('Content-Type', raw.contentType);
    const res = body === undefined ? await req : await req.send(body as any);
    return this.keep('POST', path, res);
  }

  /** Row counts of every table of the plugin's database. */
  async rowCounts(): Promise<Record<string, number>> {
    const tables = await tableNames(this.knex);
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const [row] = await this.knex(table).count({ n: '*' });
      counts[table] = Number(row.n);
    }
    return counts;
  }

  /** Waits until background work (discovery) stops changing row counts. */
  async settledRowCounts(quietMs = 400): Promise<Record<string, number>> {
    let last = JSON.stringify(await this.rowCounts());
    const end = Date.now() + 15_000;
    for (;;) {
      await new Promise(r => setTimeout(r, quietMs));
      const now = await this.rowCounts();
      const text = JSON.stringify(now);
      if (text === last || Date.now() > end) return now;
      last = text;
    }
  }

  /** Every row of every table, for the leak scan. */
  async dumpAllRows(): Promise<string> {
    const parts: string[] = [];
    for (const table of await tableNames(this.knex)) {
      const rows = await this.knex(table).select();
      parts.push(
        `${table}: ${JSON.stringify(rows, (_k, v) =>
          Buffer.isBuffer(v) ? v.toString('base64') : v,
        )}`,
      );
      // Binary columns are searched as text too.
      for (const row of rows) {
        for (const value of Object.values(row)) {
          if (Buffer.isBuffer(value)) parts.push(value.toString('latin1'));
        }
      }
    }
    return parts.join('\n');
  }
}

/** Short names ('alice') become refs; refs and 'service'/'none' pass. */
export function userRef(who: Who): Who {
  if (who === 'service' || who === 'none' || who.includes(':')) return who;
  return `user:default/${who}`;
}

export async function tableNames(knex: Knex): Promise<string[]> {
  const client = String(knex.client.config.client);
  if (client.includes('pg')) {
    const rows = await knex.raw(
      `select tablename from pg_tables where schemaname = current_schema()`,
    );
    return rows.rows.map((r: any) => r.tablename).sort();
  }
  const rows = await knex.raw(
    `select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`,
  );
  return rows.map((r: any) => r.name).sort();
}

/** Row deltas between two snapshots, only the tables that changed. */
export function rowDelta(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const table of new Set([
    ...Object.keys(before),
    ...Object.keys(after),
  ])) {
    const d = (after[table] ?? 0) - (before[table] ?? 0);
    if (d !== 0) delta[table] = d;
  }
  return delta;
}

export function sumPositive(delta: Record<string, number>): number {
  return Object.values(delta).reduce((s, d) => s + Math.max(0, d), 0);
}
