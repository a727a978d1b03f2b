import { mockServices } from '@backstage/backend-test-utils';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { CertificateIssuer } from '@kubecerts/backstage-plugin-certificates-node';
import { Knex } from 'knex';
import {
  createTestCa,
  DatabaseId,
  migratedDatabase,
  newRequest,
  testDatabases,
} from '../../__testUtils__';
import { DatabaseAuditLog } from '../../audit';
import { IssuanceService, IssuerRegistry } from '../../issuing';
import { deliveryContext } from '../../issuing/deliveryContext';
import type {
  DeliveryOutcome,
  DeliveryStrategy,
} from '../../issuing/deliveryPorts';
import type { Issued } from '../../issuing/issuanceTypes';
import type { RequestStore } from '../../requests/RequestStore';
import { DatabaseRequestStore } from '../../requests';
import { ClusterLookup, KubernetesDelivery } from '../KubernetesDelivery';
import { issuanceNoops } from '../../issuing/__testUtils__/issuanceNoops';

/**
 * One attempt of `strategy` under a fresh lease of process `owner`, as
 * issuance makes it, signing with `sign` when given (e.g. one that dies).
 */
export async function attemptUnderLease(
  deps: {
    store: RequestStore;
    issuers: IssuerRegistry;
    strategy: DeliveryStrategy;
  },
  request: CertificateRequest,
  options: { owner?: string; sign?: (csrPem: string) => Promise<Issued> } = {},
) {
  const owner = options.owner ?? `process-${request.id}`;
  const taken = await deps.store.acquireLease(
    request.id,
    { owner, expiresAt: new Date(Date.now() + 30_000).toISOString() },
    { states: ['issuing'], now: new Date().toISOString() },
  );
  if (!taken) throw new Error(`The lease of request ${request.id} is held`);
  const lease = {
    owner,
    requestId: request.id,
    settled: false,
    lost: false,
    ...taken,
  };
  const context = deliveryContext(deps, { request, lease });
  return deps.strategy.deliver(request, {
    ...context,
    ...(options.sign ? { sign: options.sign } : {}),
  });
}

/** The certificate an attempt delivered; throws for any other outcome. */
export function certificateOf(outcome: DeliveryOutcome): Issued {
  if (outcome.state !== 'issued')
    throw new Error(`not delivered: ${JSON.stringify(outcome)}`);
  return outcome.certificate;
}

/** The cluster every delivery test delivers to. */
export const CLUSTER = 'sim';

/** `ca`, and cert-manager issuer `cm`: ClusterIssuer corp-ca in CLUSTER. */
export function withCorpCa(ca: CertificateIssuer): IssuerRegistry {
  return IssuerRegistry.create({
    issuers: [ca],
    certManagerIssuers: [
      { id: 'cm', cluster: CLUSTER, name: 'corp-ca', kind: 'ClusterIssuer' },
    ],
  });
}

/** The clusters a delivery test knows: only CLUSTER, served by `simulator`. */
export function simulatedClusters(
  simulator: KubernetesApiSimulator,
  token?: string,
): ClusterLookup {
  return {
    get: name =>
      name === CLUSTER
        ? { name, kubeConfig: simulator.kubeConfig(token) }
        : undefined,
  };
}

/**
 * Issuance with both cluster strategies over `knex` and the simulator: the
 * built-in CA, and cert-manager issuer `cm` (ClusterIssuer corp-ca).
 */
export async function deliverySetup(
  knex: Knex,
  simulator: KubernetesApiSimulator,
  options: { now?: () => Date; token?: string; leaseMs?: number } = {},
) {
  const store = DatabaseRequestStore.create({ knex });
  const ca = await createTestCa(knex);
  const issuers = withCorpCa(ca);
  const kubernetes = KubernetesDelivery.create({
    clusters: simulatedClusters(simulator, options.token),
    requests: store,
  });
  const issuance = IssuanceService.create({
    ...issuanceNoops,
    store,
    issuers,
    logger: mockServices.logger.mock(),
    audit: DatabaseAuditLog.create({ knex }),
    deliveries: kubernetes.strategies,
    now: options.now,
    leaseMs: options.leaseMs,
  });
  const trail = async (requestId: string) =>
    (
      await knex('certificates_audit')
        .where({ request_id: requestId })
        .orderBy('seq')
    ).map(r => [r.action, r.outcome]);
  return { store, ca, issuers, kubernetes, issuance, trail };
}

/**
 * A suite's simulator (started once) and, per database, a namespace of its
 * own with issuance over it; `create` stores a request of `kind` in issuing,
 * as a process leaves it that died before delivering.
 */
export function deliveryTestbed(kind: 'secret' | 'cert-manager') {
  const databases = testDatabases();
  let simulator: KubernetesApiSimulator | undefined;
  beforeAll(async () => {
    simulator = await KubernetesApiSimulator.start();
  });
  afterAll(() => simulator?.stop());

  async function setup(databaseId: DatabaseId) {
    const sim = simulator!;
    const knex = await migratedDatabase(databases, databaseId);
    const deps = await deliverySetup(knex, sim);
    const namespace = `${kind}-${databaseId.toLowerCase().replace(/_/g, '')}`;
    sim.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
    const create = (secretName: string) =>
      deps.store.create(
        newRequest({
          state: 'issuing',
          issuer: kind === 'cert-manager' ? 'cm' : 'builtin',
          delivery: { kind, cluster: CLUSTER, namespace, secretName },
        }),
      );
    const secret = (name: string) =>
      sim.get<any>('v1', 'Secret', namespace, name);
    return { knex, namespace, simulator: sim, create, secret, ...deps };
  }
  return { databases, setup };
}
