import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AuditRecord } from '@internal/plugin-certificates-common';
import { AuditLog } from '../audit';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { KubernetesApiSimulator } from '../kubernetes/simulator/KubernetesApiSimulator';
import { CallerIdentity } from '../service/identity';
import { CertManagerCertificateRequest } from './certificateRequests';
import { InClusterApprovals } from './InClusterApprovals';

jest.setTimeout(30_000);

const SECURITY = 'group:default/security';

function caller(name: string, groups: string[] = [SECURITY]): CallerIdentity {
  const userEntityRef = `user:default/${name}`;
  return {
    credentials: mockCredentials.user(userEntityRef),
    userEntityRef,
    ownershipEntityRefs: [userEntityRef, ...groups],
  };
}

class MemoryAudit implements AuditLog {
  readonly records: AuditRecord[] = [];
  async record(entry: Omit<AuditRecord, 'id' | 'at'> & { at?: string }) {
    const record = { ...entry, id: String(this.records.length + 1), at: entry.at ?? '' };
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
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as CryptoKeyPair;
    const request = await x509.Pkcs10CertificateRequestGenerator.create(
      {
        name: 'CN=api.shop.example.com',
        keys,
        signingAlgorithm: alg,
        extensions: [
          new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'api.shop.example.com' }]),
        ],
      },
      webcrypto as Crypto,
    );
    csr = Buffer.from(request.toString('pem')).toString('base64');
  });
  afterAll(() => sim.stop());

  function addCr(name: string, extra: Partial<CertManagerCertificateRequest> = {}) {
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'CertificateRequest',
      metadata: { name, namespace: 'shop', labels: { 'backstage.io/kubernetes-id': 'shop-api' } },
      spec: {
        request: csr,
        username: 'system:serviceaccount:cert-manager:cert-manager',
        issuerRef: { name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      },
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
      clusters: { list: () => [{ name: 'sim', kubeConfig: sim.kubeConfig(token) }] },
      approvers: [SECURITY],
      permissions,
      audit,
      logger: mockServices.logger.mock(),
      now: () => new Date('2026-11-28T12:00:00.000Z'),
    });
    return { approvals, audit };
  }

  it('lists undecided requests and approves one through the status subresource', async () => {
    addCr('shop-api-1');
    addCr('shop-api-decided', {
      status: { conditions: [{ type: 'Approved', status: 'True', reason: 'cert-manager.io' }] },
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
    expect(queue.some(r => r.inCluster?.name === 'shop-api-decided')).toBe(false);
    expect(await approvals.queue(caller('dev', ['group:default/team-a']), {})).toEqual([]);

    const decided = await approvals.decide({
      caller: caller('sec1'),
      requestId: row!.id,
      decision: 'approve',
      reason: 'matches the shop domain',
    });
    expect(decided.state).toBe('approved');
    const stored = sim.get<any>('cert-manager.io/v1', 'CertificateRequest', 'shop', 'shop-api-1');
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
    expect((await approvals.queue(caller('sec1'), {})).some(r => r.id === row!.id)).toBe(false);
  });

  it('denies with the reason as message, and a decision made meanwhile is no error', async () => {
    addCr('shop-api-2');
    addCr('shop-api-3');
    const { approvals, audit } = setup();
    const id2 = InClusterApprovals.idOf('sim', 'shop', 'shop-api-2');
    const denied = await approvals.decide({
      caller: caller('sec1'),
      requestId: id2,
      decision: 'deny',
      reason: 'not our domain',
    });
    expect(denied.state).toBe('denied');
    expect(
      sim.get<any>('cert-manager.io/v1', 'CertificateRequest', 'shop', 'shop-api-2').status.conditions[0],
    ).toMatchObject({ type: 'Denied', reason: 'backstage:user:default/sec1', message: 'not our domain' });

    // Someone else approves shop-api-3 through the cluster first.
    addCr('shop-api-3', {
      status: { conditions: [{ type: 'Approved', status: 'True', reason: 'policy.cert-manager.io' }] },
    });
    const id3 = InClusterApprovals.idOf('sim', 'shop', 'shop-api-3');
    const result = await approvals.decide({ caller: caller('sec2'), requestId: id3, decision: 'deny', reason: 'late' });
    expect(result.state).toBe('approved');
    expect(
      sim.get<any>('cert-manager.io/v1', 'CertificateRequest', 'shop', 'shop-api-3').status.conditions,
    ).toHaveLength(1);
    expect(audit.records.map(r => r.action)).toEqual(['in-cluster-denied']);
  });

  it('turns a 403 from the cluster into a clear NotAllowedError', async () => {
    addCr('shop-api-4');
    sim.addToken(
      'no-signer',
      [{ verbs: ['get', 'list', 'update', 'patch'], resources: ['certificaterequests', 'certificaterequests/status'] }],
      { user: 'backstage' },
    );
    const { approvals, audit } = setup('no-signer');
    const id = InClusterApprovals.idOf('sim', 'shop', 'shop-api-4');
    await expect(
      approvals.decide({ caller: caller('sec1'), requestId: id, decision: 'approve' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(/Cluster sim refused.*does not have permissions.*'approve' verb on cert-manager signers/),
    });
    expect(sim.get<any>('cert-manager.io/v1', 'CertificateRequest', 'shop', 'shop-api-4').status).toBeUndefined();
    expect(audit.records).toEqual([expect.objectContaining({ outcome: 'failure' })]);
  });

  it('refuses non-approvers and unknown ids before touching the cluster', async () => {
    addCr('shop-api-5');
    const { approvals } = setup();
    const id = InClusterApprovals.idOf('sim', 'shop', 'shop-api-5');
    await expect(
      approvals.decide({ caller: caller('dev', ['group:default/team-a']), requestId: id, decision: 'approve' }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      approvals.decide({ caller: caller('sec1'), requestId: 'incluster:garbage', decision: 'approve' }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      approvals.decide({
        caller: caller('sec1'),
        requestId: InClusterApprovals.idOf('sim', 'shop', 'missing'),
        decision: 'approve',
      }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(sim.get<any>('cert-manager.io/v1', 'CertificateRequest', 'shop', 'shop-api-5').status).toBeUndefined();
  });
});
