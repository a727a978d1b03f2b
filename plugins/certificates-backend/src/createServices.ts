import {
  AuditorService,
  AuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  CertificateIssuer,
  CertificatesClusterSource,
} from '@kubecerts/backstage-plugin-certificates-node';
import { durationToMilliseconds } from '@backstage/types';
import { Knex } from 'knex';
import {
  EndpointScanService,
  EndpointStatusStore,
  loadClusterEndpoints,
  loadEntityEndpoints,
} from './endpoints';
import {
  ApprovalService,
  CatalogApproverDirectory,
  DatabaseApprovalQueue,
  DatabaseDecisionStore,
  ExternalApprovals,
} from './approvals';
import { withApprovalSignals } from './approvals/approvalSignals';
import { DatabaseAuditLog } from './audit';
import { BuiltinCa, TrustBundle } from './ca';
import {
  ClusterRegistry,
  ConfigClusterRegistry,
  DatabaseLeaseStore,
  LeaseStore,
  newReplicaId,
} from './clusters';
import { CertificatesSettings } from './config';
import { KubernetesDelivery } from './delivery';
import { DiscoveryService, loadOwnershipEntities } from './discovery';
import { setupInClusterApprovals } from './incluster';
import { DatabaseInventoryStore, TrustStore } from './inventory';
import { IssuedCertificateRecorder } from './inventory/IssuedCertificateRecorder';
import { IssuanceService, IssuerRegistry } from './issuing';
import { LifecycleService } from './lifecycle/LifecycleService';
import { InventoryMetrics } from './metrics';
import {
  DatabaseTrustStore,
  TrustChangeService,
  TrustDistributor,
} from './trust';
import {
  ExpiryNotifier,
  NotificationLinks,
  RequestNotifier,
} from './notifications';
import {
  DatabaseRequestStore,
  RequestService,
  RequestValidator,
} from './requests';

/** What the plugin receives from the backend and from its modules. */
export interface CertificatesServicesOptions {
  settings: CertificatesSettings;
  /**
   * Only for the cluster registry, which reads the Kubernetes plugin's
   * cluster configuration (`kubernetes.*`, another plugin's keys).
   */
  config: RootConfigService;
  knex: Knex;
  logger: LoggerService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  auth: AuthService;
  notifications: NotificationService;
  signals: SignalsService;
  /** Issuers added by modules on certificatesIssuersExtensionPoint. */
  moduleIssuers: CertificateIssuer[];
  /** Sources added by modules on certificatesClusterSourceExtensionPoint. */
  clusterSources: CertificatesClusterSource[];
  /** The clock of the CA and of renewals; tests move it, production leaves it out. */
  now?: () => Date;
}

/** The plugin's object graph, built once at start. */
export interface CertificatesServices {
  builtinCa: BuiltinCa;
  issuers: IssuerRegistry;
  trustBundle: TrustBundle;
  trustStore: DatabaseTrustStore;
  trustChanges: TrustChangeService;
  trustDistributor: TrustDistributor;
  clusters: ClusterRegistry & {
    refresh(): Promise<void>;
    stop(): Promise<void>;
  };
  /** Leases shared by the replicas on the database (clusters, global duties). */
  leases: LeaseStore;
  /** This replica's id among those sharing the database. */
  replicaId: string;
  inventoryStore: DatabaseInventoryStore;
  discovery: DiscoveryService;
  /** Scans the TLS endpoints of Ingresses, Gateways and entities. */
  endpointScanner: EndpointScanService;
  endpointStatuses: EndpointStatusStore;
  metrics: InventoryMetrics;
  audit: DatabaseAuditLog;
  requestStore: DatabaseRequestStore;
  notifier: RequestNotifier;
  expiryNotifier: ExpiryNotifier;
  validator: RequestValidator;
  issuedCertificates: IssuedCertificateRecorder;
  issuance: IssuanceService;
  requestService: RequestService;
  lifecycle: LifecycleService;
  approvals: ApprovalService;
  /** Requests decided outside the portal's store (in-cluster), in the same queue. */
  externalApprovals: ExternalApprovals[];
}

/**
 * The composition root: every service with its collaborators, from the
 * checked settings. Nothing here schedules or serves; see tasks.ts and
 * router.ts.
 */
export async function createServices(
  options: CertificatesServicesOptions,
): Promise<CertificatesServices> {
  const { settings, knex, logger, catalog, auth } = options;

  const builtinCa = await BuiltinCa.create({
    knex,
    settings: settings.builtinCa,
    logger,
    now: options.now,
  });
  const issuers = IssuerRegistry.create({
    issuers: [builtinCa, ...options.moduleIssuers],
    certManagerIssuers: settings.certManagerIssuers,
  });
  const trustStore = DatabaseTrustStore.create({ knex });
  const trustBundle = await TrustBundle.create({
    settings: settings.trust,
    builtinRootPem: builtinCa.rootCertificatePem,
    store: trustStore,
    now: options.now,
  });
  const getApprovedRoots = () => trustBundle.getApprovedRoots();

  const clusters = await ConfigClusterRegistry.create({
    config: options.config,
    logger,
    sources: options.clusterSources,
    clusters: settings.clusters,
    catalog,
    auth,
  });
  const inventoryStore = DatabaseInventoryStore.create({
    knex,
    preparedStatements: settings.discovery.preparedStatements,
  });
  const getAllApprovedRoots = async () => [
    ...(await getApprovedRoots()),
    ...(
      await Promise.all(
        options.clusterSources.map(
          async s => (await s.getApprovedRoots?.()) ?? [],
        ),
      )
    ).flat(),
  ];
  // The built-in CA's issuing certificate completes a chain that a Secret
  // or a server leaves it out of (whether a server sends it is judged
  // apart: the endpoint's chain-incomplete finding).
  const getKnownIntermediates = async () => [builtinCa.issuingCertificatePem];
  const leases = DatabaseLeaseStore.create({ knex });
  const replicaId = newReplicaId();
  const discovery = DiscoveryService.create({
    clusters,
    leases: {
      store: leases,
      replicaId,
      leaseMs: durationToMilliseconds(settings.discovery.lease.duration),
      renewMs: durationToMilliseconds(settings.discovery.lease.renewInterval),
    },
    store: inventoryStore,
    logger,
    trust: TrustStore.create({
      getApprovedRoots: getAllApprovedRoots,
      getKnownIntermediates,
    }),
    thresholds: settings.health.thresholds,
    approvedIssuers: settings.health.approvedIssuers,
    namespaceMappings: settings.ownership.namespaceMappings,
    namespaces: settings.discovery.namespaces,
    loadEntities: () => loadOwnershipEntities({ catalog, auth }),
    sync: { pageSize: settings.discovery.pageSize },
    lastSeenResolutionMs: durationToMilliseconds(
      settings.discovery.lastSeenResolution,
    ),
  });

  const audit = DatabaseAuditLog.create({
    knex,
    auditor: options.auditor,
    logger,
  });
  const trustDistributor = TrustDistributor.create({
    store: trustStore,
    clusters,
    distribution: settings.trust.distribution,
    bundle: () => trustBundle.pem(),
    logger,
    now: options.now,
  });
  const trustChanges = TrustChangeService.create({
    store: trustStore,
    audit,
    permissions: options.permissions,
    approvals: settings.trust.approvals,
    allowIntermediates: settings.trust.allowIntermediates,
    now: options.now,
    onApplied: () => {
      // The new bundle goes out, and chains are judged against it, now
      // rather than at the next scheduled sync and resync.
      trustBundle
        .refresh()
        .then(() => Promise.all([trustDistributor.sync(), discovery.resync()]))
        .catch(error =>
          logger.warn(`Applying the new trust bundle failed: ${error}`),
        );
    },
  });
  const requestStore = DatabaseRequestStore.create({ knex });
  const links = NotificationLinks.create({ appBaseUrl: settings.app.baseUrl });
  const notifier = withApprovalSignals(
    RequestNotifier.create({
      knex,
      notifications: options.notifications,
      logger,
      links,
    }),
    { signals: options.signals, logger },
  );
  const expiryNotifier = ExpiryNotifier.create({
    knex,
    notifications: options.notifications,
    logger,
    thresholdsDays: settings.notifications.expiry.thresholdsDays,
    links,
  });
  const delivery = KubernetesDelivery.create({
    clusters,
    requests: requestStore,
  });
  const validator = RequestValidator.create({
    issuers,
    catalog,
    auth,
    policies: settings.policies,
    clusterNames: () => clusters.list().map(c => c.name),
    deliveryTarget: delivery.targets,
  });
  IssuedCertificateRecorder.assertLocationFree(
    clusters.list().map(c => c.name),
  );
  const issuedCertificates = IssuedCertificateRecorder.create({
    store: inventoryStore,
    getApprovedRoots,
    requests: requestStore,
    logger,
    thresholds: settings.health.thresholds,
    approvedIssuers: settings.health.approvedIssuers,
  });
  const issuance = IssuanceService.create({
    store: requestStore,
    issuers,
    logger,
    audit,
    deliveries: delivery.strategies,
    recheck: validator.recheck,
    onIssued: issuedCertificates.recordInBackground,
    inventory: issuedCertificates,
    notifier,
    leaseMs: durationToMilliseconds(settings.issuance.lease),
  });
  const requestService = RequestService.create({
    store: requestStore,
    validator,
    issuance,
    audit,
    logger,
    notifier,
    userInfo: options.userInfo,
    maxOpenPerUser: settings.requests.maxOpenPerUser,
  });
  const lifecycle = LifecycleService.create({
    knex,
    inventory: inventoryStore,
    requests: requestStore,
    issuers,
    submitter: requestService,
    clusters,
    permissions: options.permissions,
    audit,
    logger,
    now: options.now,
  });

  const externalApprovals = setupInClusterApprovals({
    knex,
    settings: settings.approvals.inCluster,
    namespaceMappings: settings.ownership.namespaceMappings,
    logger,
    permissions: options.permissions,
    audit,
    clusters,
    catalog,
    auth,
  });
  const approvals = ApprovalService.create({
    knex,
    requests: requestStore,
    decisions: DatabaseDecisionStore.create({ knex }),
    audit,
    permissions: options.permissions,
    issuance,
    policies: settings.policies,
    queue: DatabaseApprovalQueue.create({ knex }),
    directory: CatalogApproverDirectory.create({ catalog, auth }),
    notifier,
    logger,
    issuanceWaitMs: durationToMilliseconds(settings.approvals.issuanceWait),
  });

  const endpointStatuses = EndpointStatusStore.create({ knex });
  const endpointScanner = EndpointScanService.create({
    inventory: inventoryStore,
    statuses: endpointStatuses,
    trust: TrustStore.create({
      getApprovedRoots: getAllApprovedRoots,
      getKnownIntermediates,
    }),
    sources: [
      () => loadClusterEndpoints(inventoryStore),
      () =>
        loadEntityEndpoints({
          catalog,
          auth,
          maxPerEntity: settings.endpoints.maxPerEntity,
        }),
    ],
    settings: {
      concurrency: settings.endpoints.concurrency,
      timeoutMs: settings.endpoints.handshakeTimeoutMs,
      allowPrivateNetworks: settings.endpoints.allowPrivateNetworks,
      allowLoopback: settings.endpoints.allowLoopback,
    },
    health: settings.health,
    logger,
    now: options.now,
  });

  return {
    builtinCa,
    endpointScanner,
    endpointStatuses,
    issuers,
    trustBundle,
    trustStore,
    trustChanges,
    trustDistributor,
    clusters,
    leases,
    replicaId,
    inventoryStore,
    discovery,
    metrics: InventoryMetrics.create(),
    audit,
    requestStore,
    notifier,
    expiryNotifier,
    validator,
    issuedCertificates,
    issuance,
    requestService,
    lifecycle,
    approvals,
    externalApprovals,
  };
}
