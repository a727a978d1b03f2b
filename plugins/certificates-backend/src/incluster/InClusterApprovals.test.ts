import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AuditRecord,
  OwnershipEntity,
} from '@kubecerts/backstage-plugin-certificates-common';
import { AuditLog } from '../audit';
import 'reflect-metadata';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { CertManagerCertificateRequest } from './certificateRequests';
import { InClusterApprovals } from './InClusterApprovals';
import { shopCertificateRequest } from './__testUtils__/shopRequests';
import {
  nameOnlyIdentities,
  noDecisionLog,
} from './__testUtils__/inClusterDefaults';
import { InClusterOwnership } from './InClusterOwnership';
import { InClusterDecisionLog } from './InClusterDecisionLog';
import { TestDatabases } from '@backstage/backend-test-utils';
import { certManagerCsr, decideAs, userCaller } from '../__testUtils__';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../database';
import { ServiceUnavailableError } from '@backstage/errors';

jest.setTimeout(30_000);

const SECURITY = 'group:default/security';

const caller = (name: string, groups: string[] = [SECURITY]) =>
  userCaller(name, groups);

const shopId = (name: string) => InClusterApprovals.idOf('sim', 'shop', name);

class MemoryAudit implements AuditLog {
  readonly records: AuditRecord[] = [];
  async record(entry: Omit<AuditRecord, 'id' | 'at'> & { at?: string }) {
    const record = {
      ...entry,
      id: String(this.records.length + 1),
      at: entry.at ?? '',
    };
    this.records.push(record);
    return record;
  }
  async list() {
    return { items: [...this.records].reverse() };
  }
}

describe('InClusterApprovals', () => {
  let sim: KubernetesApiSimulator;
  let csr: string;

  beforeAll(async () => {
    sim = await KubernetesApiSimulator.start();
    csr = await certManagerCsr('api.shop.example.com');
  });
  afterAll(() => sim.stop());
  const shopRequest = (name: string) =>
    sim.get<any>('cert-manager.io/v1', 'CertificateRequest', 'shop', name);

  function addCr(
    name: string,
    extra: Partial<CertManagerCertificateRequest> = {},
  ) {
    sim.apply({
      ...shopCertificateRequest(name, {
        request: csr,
        username: 'system:serviceaccount:cert-manager:cert-manager',
      }),
      ...(extra as object),
    } as any);
  }

  function setup(token?: string) {
    const permissions = mockServices.permissions.mock();
    permissions.authorizeConditional.mockImplementation(async reqs =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    const audit = new MemoryAudit();
    const approvals = InClusterApprovals.create({
      clusters: {
        list: () => [{ name: 'sim', kubeConfig: sim.kubeConfig(token) }],
      },
      approvers: [SECURITY],
      permissions,
      audit,
      logger: mockServices.logger.mock(),
      identities: nameOnlyIdentities,
      decisionLog: noDecisionLog,
      now: () => new Date('2026-11-28T12:00:00.000Z'),
    });
    return { approvals, audit };
  }

  it('lists undecided requests and approves one through the status subresource', async () => {
    addCr('shop-api-1');
    addCr('shop-api-decided', {
      status: {
        conditions: [
          { type: 'Approved', status: 'True', reason: 'cert-manager.io' },
        ],
      },
    });
    const { approvals, audit } = setup();

    const queue = await approvals.queue(caller('sec1'), {});
    const row = queue.find(r => r.inCluster?.name === 'shop-api-1');
    expect(row).toMatchObject({
      state: 'pending',
      commonName: 'api.shop.example.com',
      dnsNames: ['api.shop.example.com'],
      entityRef: 'component:default/shop-api',
      issuer: 'ClusterIssuer/corp-ca',
      inCluster: {
        cluster: 'sim',
        namespace: 'shop',
        name: 'shop-api-1',
        username: 'system:serviceaccount:cert-manager:cert-manager',
      },
    });
    expect(queue.some(r => r.inCluster?.name === 'shop-api-decided')).toBe(
      false,
    );
    expect(
      await approvals.queue(caller('dev', ['group:default/team-a']), {}),
    ).toEqual([]);
    // What approvers are told about: every undecided request, whoever asks.
    const undecided = (await approvals.undecided()).map(r => r.inCluster?.name);
    expect(undecided).toContain('shop-api-1');
    expect(undecided).not.toContain('shop-api-decided');

    const decided = await decideAs(
      approvals,
      'sec1',
      row!.id,
      'approve',
      'matches the shop domain',
    );
    expect(decided.state).toBe('approved');
    const stored = shopRequest('shop-api-1');
    expect(stored.status.conditions).toEqual([
      expect.objectContaining({
        type: 'Approved',
        status: 'True',
        reason: 'backstage:user:default/sec1',
        message: 'matches the shop domain',
      }),
    ]);
    expect(audit.records).toEqual([
      expect.objectContaining({
        action: 'in-cluster-approved',
        actor: 'user:default/sec1',
        outcome: 'success',
        entityRef: 'component:default/shop-api',
      }),
    ]);
    expect(
      (await approvals.queue(caller('sec1'), {})).some(r => r.id === row!.id),
    ).toBe(false);
  });

  it('denies with the reason as message, and a decision made meanwhile is no error', async () => {
    addCr('shop-api-2');
    addCr('shop-api-3');
    const { approvals, audit } = setup();
    const id2 = shopId('shop-api-2');
    const denied = await decideAs(
      approvals,
      'sec1',
      id2,
      'deny',
      'not our domain',
    );
    expect(denied.state).toBe('denied');
    expect(shopRequest('shop-api-2').status.conditions[0]).toMatchObject({
      type: 'Denied',
      reason: 'backstage:user:default/sec1',
      message: 'not our domain',
    });

    // Someone else approves shop-api-3 through the cluster first.
    addCr('shop-api-3', {
      status: {
        conditions: [
          {
            type: 'Approved',
            status: 'True',
            reason: 'policy.cert-manager.io',
          },
        ],
      },
    });
    const id3 = shopId('shop-api-3');
    const result = await decideAs(approvals, 'sec2', id3, 'deny', 'late');
    expect(result.state).toBe('approved');
    expect(shopRequest('shop-api-3').status.conditions).toHaveLength(1);
    expect(audit.records.map(r => r.action)).toEqual(['in-cluster-denied']);
  });

  it('turns a 403 from the cluster into a clear NotAllowedError', async () => {
    addCr('shop-api-4');
    sim.addToken(
      'no-signer',
      [
        {
          verbs: ['get', 'list', 'update', 'patch'],
          resources: ['certificaterequests', 'certificaterequests/status'],
        },
      ],
      { user: 'backstage' },
    );
    const { approvals, audit } = setup('no-signer');
    const id = shopId('shop-api-4');
    await expect(
      decideAs(approvals, 'sec1', id, 'approve'),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /Cluster sim refused.*does not have permissions.*'approve' verb on cert-manager signers/,
      ),
    });
    expect(shopRequest('shop-api-4').status).toBeUndefined();
    expect(audit.records).toEqual([
      expect.objectContaining({ outcome: 'failure' }),
    ]);
  });

  it('refuses non-approvers and unknown ids before touching the cluster', async () => {
    addCr('shop-api-5');
    const { approvals } = setup();
    const id = shopId('shop-api-5');
    await expect(
      decideAs(
        approvals,
        caller('dev', ['group:default/team-a']),
        id,
        'approve',
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      decideAs(approvals, 'sec1', 'incluster:garbage', 'approve'),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      decideAs(approvals, 'sec1', shopId('missing'), 'approve'),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(shopRequest('shop-api-5').status).toBeUndefined();
  });
});

describe('InClusterApprovals ownership and identities', () => {
  let sim: KubernetesApiSimulator;
  let csr: string;

  beforeAll(async () => {
    sim = await KubernetesApiSimulator.start();
    csr = await certManagerCsr('orders.shop.example.com', []);
  });
  afterAll(() => sim.stop());
  const shopRequest = (name: string) =>
    sim.get<any>('cert-manager.io/v1', 'CertificateRequest', 'shop', name);

  const entities: OwnershipEntity[] = [
    {
      entityRef: 'component:default/shop-api',
      ownerRef: 'group:default/team-shop',
      annotations: { 'backstage.io/kubernetes-id': 'shop-api' },
    },
    {
      entityRef: 'component:default/orders-worker',
      ownerRef: 'group:default/team-orders',
      annotations: {
        'backstage.io/kubernetes-label-selector':
          'app.kubernetes.io/part-of=orders',
        'backstage.io/kubernetes-namespace': 'orders',
      },
    },
  ];

  function addCr(
    namespace: string,
    name: string,
    metadata: Partial<CertManagerCertificateRequest['metadata']> = {},
    username = 'system:serviceaccount:cert-manager:cert-manager',
  ) {
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'CertificateRequest',
      metadata: { name, namespace, ...metadata },
      spec: {
        request: csr,
        username,
        issuerRef: { name: 'corp-ca', kind: 'ClusterIssuer' },
      },
    } as any);
  }

  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let knex: Knex;
  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations({ knex });
  });

  function setup(
    identities: { of(ref: string): Promise<string[]> } = nameOnlyIdentities,
  ) {
    const permissions = mockServices.permissions.mock();
    permissions.authorizeConditional.mockImplementation(async reqs =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    const loadEntities = jest.fn(async () => entities);
    const logger = mockServices.logger.mock();
    const approvals = InClusterApprovals.create({
      clusters: { list: () => [{ name: 'sim', kubeConfig: sim.kubeConfig() }] },
      approvers: [SECURITY],
      permissions,
      audit: new MemoryAudit(),
      logger,
      ownership: InClusterOwnership.create({
        loadEntities,
        namespaceMappings: [
          { namespace: 'legacy-*', owner: 'group:default/team-legacy' },
        ],
        logger,
      }),
      identities,
      decisionLog: InClusterDecisionLog.create({ knex }),
    });
    return { approvals, loadEntities };
  }

  it('resolves entity and owner team like the inventory, and filters the queue by team', async () => {
    addCr('shop', 'by-id', {
      labels: { 'backstage.io/kubernetes-id': 'shop-api' },
    });
    addCr('orders', 'by-selector', {
      labels: { 'app.kubernetes.io/part-of': 'orders' },
    });
    // The selector is restricted to namespace orders: the same labels elsewhere do not match.
    addCr('elsewhere', 'selector-wrong-namespace', {
      labels: { 'app.kubernetes.io/part-of': 'orders' },
    });
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: {
        name: 'shop-web',
        namespace: 'shop',
        labels: { 'backstage.io/kubernetes-id': 'shop-api' },
      },
      spec: {
        secretName: 'shop-web-tls',
        issuerRef: { name: 'corp-ca', kind: 'ClusterIssuer' },
      },
    } as any);
    addCr('shop', 'by-certificate', {
      annotations: { 'cert-manager.io/certificate-name': 'shop-web' },
    });
    addCr('legacy-billing', 'by-namespace');
    addCr('nowhere', 'unowned');

    const { approvals, loadEntities } = setup();
    const lists = jest.spyOn(
      CustomObjectsApi.prototype,
      'listClusterCustomObject',
    );
    const queue = await approvals.queue(caller('sec1'), {});
    const owner = (name: string) => {
      const row = queue.find(r => r.inCluster?.name === name);
      return row && { entityRef: row.entityRef, ownerRef: row.ownerRef };
    };
    const shop = 'component:default/shop-api';
    const expected: Array<[string, string, string | undefined]> = [
      ['by-id', shop, 'group:default/team-shop'],
      [
        'by-selector',
        'component:default/orders-worker',
        'group:default/team-orders',
      ],
      ['selector-wrong-namespace', '', undefined],
      ['by-certificate', shop, 'group:default/team-shop'],
      ['by-namespace', '', 'group:default/team-legacy'],
      ['unowned', '', undefined],
    ];
    for (const [name, entityRef, ownerRef] of expected) {
      expect(owner(name)).toEqual({ entityRef, ownerRef });
    }

    const orders = await approvals.queue(caller('sec1'), {
      owner: ['group:default/team-orders'],
    });
    expect(orders.map(r => r.inCluster?.name)).toEqual(['by-selector']);
    // The catalog and the cluster are read once for both queue loads.
    expect(loadEntities).toHaveBeenCalledTimes(1);
    expect(lists).toHaveBeenCalledTimes(1);
    lists.mockRestore();
  });

  it('refuses an approver their own in-cluster request, recognised by their Kubernetes username', async () => {
    addCr(
      'shop',
      'sams-own',
      { labels: { 'backstage.io/kubernetes-id': 'shop-api' } },
      'sam@example.com',
    );
    const identities = {
      of: async (ref: string) =>
        ref === 'user:default/sam'
          ? ['sam@example.com', 'sam']
          : ['kim@example.com', 'kim'],
    };
    const { approvals } = setup(identities);
    const id = shopId('sams-own');
    expect(
      (await approvals.queue(caller('sam'), {})).some(r => r.id === id),
    ).toBe(false);
    await expect(
      decideAs(approvals, 'sam', id, 'approve'),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'You cannot decide on your own request.',
    });
    expect(shopRequest('sams-own').status).toBeUndefined();

    expect(
      (await approvals.queue(caller('kim'), {})).some(r => r.id === id),
    ).toBe(true);
    const decided = await decideAs(approvals, 'kim', id, 'approve');
    expect(decided).toMatchObject({
      state: 'approved',
      requester: 'sam@example.com',
    });
    // Kept for "decided by me", with what kim saw.
    const [mine] = await approvals.history(caller('kim'));
    expect(mine).toMatchObject({
      id,
      state: 'approved',
      entityRef: 'component:default/shop-api',
      ownerRef: 'group:default/team-shop',
      commonName: 'orders.shop.example.com',
      decisions: [
        expect.objectContaining({
          actor: 'user:default/kim',
          decision: 'approve',
        }),
      ],
    });
    expect(await approvals.history(caller('sam'))).toEqual([]);
  });

  it('decides nothing and lists nothing in-cluster when the approver identities cannot be looked up', async () => {
    addCr('shop', 'catalog-down', {
      labels: { 'backstage.io/kubernetes-id': 'shop-api' },
    });
    const { approvals } = setup({
      of: async () => {
        throw new ServiceUnavailableError('catalog down');
      },
    });
    expect(await approvals.queue(caller('sec1'), {})).toEqual([]);
    await expect(
      decideAs(approvals, 'sec1', shopId('catalog-down'), 'approve'),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
    expect(shopRequest('catalog-down').status).toBeUndefined();
  });
});
