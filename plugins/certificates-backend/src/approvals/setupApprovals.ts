import {
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  auditReadPermission,
  CertificatePolicy,
  requestApprovePermission,
  requestReadPermission,
} from '@internal/plugin-certificates-common';
import express from 'express';
import { Knex } from 'knex';
import { AuditLog } from '../audit';
import {
  InClusterApprovals,
  InClusterDecisionLog,
  InClusterOwnership,
  InClusterSource,
  KubernetesIdentities,
} from '../incluster';
import { loadOwnershipEntities } from '../discovery/catalogEntities';
import { RequestNotifier } from '../notifications';
import { ApprovalService } from './ApprovalService';
import { CatalogApproverDirectory } from './ApproverDirectory';
import { DatabaseApprovalQueue } from './DatabaseApprovalQueue';
import { createApprovalsRouter } from './createApprovalsRouter';
import { DatabaseDecisionStore } from './DecisionStore';
import { ApprovalIssuancePort, ApprovalRequestsPort } from './ports';
import { requestPermissionRules, requestResourceRef } from './requestPermissions';

/**
 * Wires approvals: registers the request resource type and its rules,
 * announces new pending requests to approvers, and returns the router and
 * the notifier (which the request and issuance code call on their events).
 */
export async function setupApprovals(options: {
  knex: Knex;
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  notifications?: NotificationService;
  audit: AuditLog;
  requests: ApprovalRequestsPort;
  issuance: ApprovalIssuancePort;
  policies: CertificatePolicy[];
  clusters: InClusterSource;
  /** Owners of in-cluster requests and the Kubernetes usernames of approvers come from the catalog. */
  catalog: CatalogService;
  auth: AuthService;
  /** Share one notifier with request and issuance code; created here if not given. */
  notifier?: RequestNotifier;
}): Promise<{ router: express.Router; notifier: RequestNotifier; service: ApprovalService }> {
  const { knex, config, logger, requests } = options;

  options.permissionsRegistry.addResourceType({
    resourceRef: requestResourceRef,
    permissions: [requestReadPermission, requestApprovePermission],
    rules: Object.values(requestPermissionRules),
    getResources: async refs => {
      const found = new Map((await requests.listByIds(refs)).map(r => [r.id, r]));
      return refs.map(ref => found.get(ref));
    },
  });

  options.permissionsRegistry.addPermissions([auditReadPermission]);

  const notifier =
    options.notifier ??
    RequestNotifier.create({
      knex,
      notifications: options.notifications,
      logger,
    });
  const service = ApprovalService.create({
    knex,
    requests,
    decisions: DatabaseDecisionStore.create({ knex }),
    audit: options.audit,
    permissions: options.permissions,
    issuance: options.issuance,
    policies: options.policies,
    queue: DatabaseApprovalQueue.create({ knex }),
    directory: CatalogApproverDirectory.create({ catalog: options.catalog, auth: options.auth }),
    notifier,
    logger,
  });

  const inCluster = config.getOptionalConfig('certificates.approvals.inCluster');
  const external = inCluster?.getOptionalBoolean('enabled')
    ? [
        InClusterApprovals.create({
          clusters: options.clusters,
          approvers: inCluster.getOptionalStringArray('approvers') ?? [],
          caIssuers: inCluster.getOptionalStringArray('caIssuers') ?? [],
          permissions: options.permissions,
          audit: options.audit,
          logger,
          ownership: InClusterOwnership.create({
            loadEntities: () =>
              loadOwnershipEntities({ catalog: options.catalog, auth: options.auth }),
            namespaceMappings: InClusterOwnership.readNamespaceMappings(config),
            logger,
          }),
          decisionLog: InClusterDecisionLog.create({ knex }),
          identities: KubernetesIdentities.create({
            catalog: options.catalog,
            auth: options.auth,
          }),
        }),
      ]
    : [];

  // Announce pending requests however they were created; the notifier sends
  // each announcement once, so sweeping repeatedly is safe.
  const frequency = config.getOptional<{ seconds?: number; minutes?: number }>(
    'certificates.approvals.notifyFrequency',
  ) ?? { seconds: 30 };
  await options.scheduler.scheduleTask({
    id: 'certificates-approvals-announce',
    frequency,
    timeout: { minutes: 2 },
    initialDelay: { seconds: 10 },
    scope: 'global',
    fn: async () => {
      for (const request of await requests.listPending()) {
        await notifier.requestQueued(request);
      }
      for (const source of external) {
        for (const request of (await source.undecided?.()) ?? []) {
          await notifier.requestQueued(request);
        }
      }
    },
  });

  const router = createApprovalsRouter({
    service,
    audit: options.audit,
    httpAuth: options.httpAuth,
    userInfo: options.userInfo,
    permissions: options.permissions,
    external,
  });
  return { router, notifier, service };
}
