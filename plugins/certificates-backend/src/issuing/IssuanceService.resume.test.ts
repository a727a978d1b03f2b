import { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import {
  databaseSuite,
  fakeSigner,
  newRequest,
  testClock,
} from '../__testUtils__';
import type { DeliveryOutcome, DeliveryStrategies } from './deliveryPorts';
import { DatabaseRequestStore } from '../requests';
import { NewRequest } from '../requests/RequestStore';
import { IssuanceService } from './IssuanceService';
import { IssuerRegistry } from './IssuerRegistry';
import { issuanceNoops } from './__testUtils__/issuanceNoops';
import { DatabaseAuditLog } from '../audit';

jest.setTimeout(120_000);

const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const minutes = (n: number) => new Date(T0 + n * 60_000);

function request(
  state: 'approved' | 'issuing',
  delivery: NewRequest['delivery'],
  n: number,
): NewRequest {
  return newRequest({
    id: `${state}-${delivery.kind}-${String(n).padStart(5, '0')}`,
    requester: 'user:default/dev',
    issuer: delivery.kind === 'cert-manager' ? 'cm' : 'signer',
    delivery,
    csrPem: delivery.kind === 'csr' ? 'a CSR' : undefined,
    state,
  });
}

const inCluster = (secretName: string): NewRequest['delivery'] => ({
  kind: 'cert-manager',
  cluster: 'prod',
  namespace: 'payments',
  secretName,
});

describe('IssuanceService.resume with more than one page of requests', () => {
  const db = databaseSuite();

  async function setup(knex: Knex) {
    const clock = testClock(minutes(0));
    const store = DatabaseRequestStore.create({ knex, now: clock.now });
    const signer = fakeSigner({
      deliveries: ['csr', 'secret'],
      notBefore: minutes(0).toISOString(),
      notAfter: minutes(60 * 24 * 30).toISOString(),
    });
    const issuers = IssuerRegistry.create({
      issuers: [signer],
      certManagerIssuers: [
        { id: 'cm', cluster: 'prod', name: 'corp-ca', kind: 'ClusterIssuer' },
      ],
    });
    // cert-manager's verdicts, by request id; pending when not given.
    const verdicts = new Map<string, DeliveryOutcome>();
    const kubernetes = {
      certManagerStatus: jest.fn(
        async (r: CertificateRequest): Promise<DeliveryOutcome> =>
          verdicts.get(r.id) ?? { state: 'pending' },
      ),
      applyCertManagerCertificate: jest.fn(
        async (_r: CertificateRequest): Promise<void> => undefined,
      ),
      deliverSecret: jest.fn(async (): Promise<DeliveryOutcome> => {
        throw new Error('no secret is due');
      }),
    };
    const deliveries: DeliveryStrategies = {
      'cert-manager': {
        kind: 'cert-manager',
        deliver: async r => {
          await kubernetes.applyCertManagerCertificate(r);
          return kubernetes.certManagerStatus(r);
        },
        follow: r => kubernetes.certManagerStatus(r),
      },
      secret: {
        kind: 'secret',
        deliver: kubernetes.deliverSecret,
        follow: kubernetes.deliverSecret,
      },
    };
    const issuance = IssuanceService.create({
      ...issuanceNoops,
      audit: DatabaseAuditLog.create({ knex }),
      store,
      issuers,
      logger: mockServices.logger.mock(),
      deliveries,
      now: clock.now,
    });
    const createAt = async (at: Date, requests: NewRequest[]) => {
      clock.set(at);
      await store.createMany(requests);
    };
    const states = async () =>
      new Map(
        (
          (await knex('certificates_requests').select(
            'id',
            'state',
            'serial_number',
            'failure_reason',
          )) as Array<{
            id: string;
            state: string;
            serial_number: string | null;
            failure_reason: string | null;
          }>
        ).map(r => [r.id, r]),
      );
    return {
      store,
      signer,
      kubernetes,
      verdicts,
      issuance,
      createAt,
      states,
      clock,
    };
  }

  db.test(
    'issues every stuck and approved request, and follows cert-manager requests newer than 500 other issuing ones',
    async ({ knex }) => {
      const world = await setup(knex);
      const range = (n: number) => Array.from({ length: n }, (_, i) => i);
      const stuck = range(600).map(n => request('issuing', { kind: 'csr' }, n));
      const oldCm = request('issuing', inCluster('old-tls'), 0);
      await world.createAt(minutes(0), [...stuck, oldCm]);
      const approved = range(700).map(n =>
        request('approved', { kind: 'csr' }, n),
      );
      const approvedCm = request('approved', inCluster('new-tls'), 1);
      await world.createAt(minutes(1), [...approved, approvedCm]);
      // Issuing but not stuck: a secret being delivered right now.
      const recent = range(600).map(n =>
        request(
          'issuing',
          { kind: 'secret', cluster: 'prod', namespace: 'payments' },
          n,
        ),
      );
      await world.createAt(minutes(10), recent);
      const [cmIssued, cmFailed, cmPending] = [2, 3, 4].map(n =>
        request('issuing', inCluster(`cm${n}-tls`), n),
      );
      await world.createAt(minutes(10.2), [cmIssued, cmFailed, cmPending]);
      world.verdicts.set(cmIssued.id!, {
        state: 'issued',
        certificate: {
          chainPem: 'chain from cert-manager',
          serialNumber: 'cm-serial',
          notBefore: minutes(10).toISOString(),
          notAfter: minutes(60 * 24 * 30).toISOString(),
        },
      });
      world.verdicts.set(cmFailed.id!, {
        state: 'failed',
        reason: 'cert-manager: issuer corp-ca is not ready',
      });

      // The sweep at 10:10:30: stuck means unchanged since before 10:09:30.
      world.clock.set(minutes(10.5));
      // Stuck csr (600), cert-manager followed (4), approved (701).
      expect(await world.issuance.resume()).toBe(1305);

      const after = await world.states();
      const issuedIds = [...stuck, ...approved].map(r => r.id!);
      for (const id of issuedIds) {
        expect(after.get(id)).toMatchObject({
          state: 'issued',
          serial_number: `serial-${id}`,
        });
      }
      // Each signed once, and nothing else signed.
      expect(world.signer.issue).toHaveBeenCalledTimes(1300);
      expect(
        new Set(world.signer.issue.mock.calls.map(([r]) => r.requestId)),
      ).toEqual(new Set(issuedIds));
      // Not stuck yet: left alone.
      for (const r of recent) expect(after.get(r.id!)?.state).toBe('issuing');
      expect(world.kubernetes.deliverSecret).not.toHaveBeenCalled();

      // Every cert-manager request in issuing is followed, once, however
      // many older issuing requests there are; the approved one is applied
      // and followed by issuing it, not followed again.
      expect(
        world.kubernetes.certManagerStatus.mock.calls.map(([r]) => r.id).sort(),
      ).toEqual(
        [oldCm, approvedCm, cmIssued, cmFailed, cmPending]
          .map(r => r.id!)
          .sort(),
      );
      expect(
        world.kubernetes.applyCertManagerCertificate,
      ).toHaveBeenCalledTimes(1);
      expect(
        world.kubernetes.applyCertManagerCertificate.mock.calls[0][0].id,
      ).toBe(approvedCm.id);
      expect(after.get(cmIssued.id!)).toMatchObject({
        state: 'issued',
        serial_number: 'cm-serial',
      });
      expect(after.get(cmFailed.id!)).toMatchObject({
        state: 'failed',
        failure_reason: 'cert-manager: issuer corp-ca is not ready',
      });
      for (const r of [oldCm, approvedCm, cmPending]) {
        expect(after.get(r.id!)?.state).toBe('issuing');
      }

      // The next sweep: only the cert-manager requests still issuing.
      world.kubernetes.certManagerStatus.mockClear();
      expect(await world.issuance.resume()).toBe(3);
      expect(world.signer.issue).toHaveBeenCalledTimes(1300);
      expect(
        world.kubernetes.certManagerStatus.mock.calls.map(([r]) => r.id).sort(),
      ).toEqual([oldCm, approvedCm, cmPending].map(r => r.id!).sort());
    },
  );
});
