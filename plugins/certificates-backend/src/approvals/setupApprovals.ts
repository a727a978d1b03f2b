import {
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { CertificatePolicy } from '@kubecerts/backstage-plugin-certificates-common';
import express from 'express';
import { Knex } from 'knex';
import { AuditLog } from '../audit';
import { RequestNotifier } from '../notifications';
import { ApprovalService } from './ApprovalService';
import { CatalogApproverDirectory } from './ApproverDirectory';
import { DatabaseApprovalQueue } from './DatabaseApprovalQueue';
import { createApprovalsRouter } from './createApprovalsRouter';
import { DatabaseDecisionStore } from './DecisionStore';
import { ApprovalIssuancePort, ApprovalRequestsPort, ExternalApprovals } from './ports';

/**
 * Wires approvals: announces new pending requests to approvers (portal and
 * external ones), and returns the router and the notifier (which the request
 * and issuance code call on their events).
 */
export async function setupApprovals(options: {
  knex: Knex;
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  notifications?: NotificationService;
  audit: AuditLog;
  requests: ApprovalRequestsPort;
  issuance: ApprovalIssuancePort;
  policies: CertificatePolicy[];
  /** Requests decided outside the portal's store (in-cluster), in the same queue. */
  external?: ExternalApprovals[];
  /** Approvers' group memberships come from the catalog. */
  catalog: CatalogService;
  auth: AuthService;
  /** Share one notifier with request and issuance code; created here if not given. */
  notifier?: RequestNotifier;
}): Promise<{ router: express.Router; notifier: RequestNotifier; service: ApprovalService }> {
  const { knex, config, logger, requests } = options;

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

  const external = options.external ?? [];

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
