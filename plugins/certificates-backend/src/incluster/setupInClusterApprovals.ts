import {
  AuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NamespaceMapping } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import type { ExternalApprovals } from '../approvals/ports';
import { AuditLog } from '../audit';
import { loadOwnershipEntities } from '../discovery/catalogEntities';
import { InClusterApprovals, InClusterSource } from './InClusterApprovals';
import { InClusterDecisionLog } from './InClusterDecisionLog';
import { InClusterOwnership } from './InClusterOwnership';
import { KubernetesIdentities } from './KubernetesIdentities';

/**
 * The in-cluster approval source when `certificates.approvals.inCluster`
 * enables it, else none. Owners of in-cluster requests and the Kubernetes
 * usernames of approvers come from the catalog.
 */
export function setupInClusterApprovals(options: {
  knex: Knex;
  /** `certificates.approvals.inCluster`. */
  settings: { enabled: boolean; approvers: string[]; caIssuers: string[] };
  /** `certificates.ownership.namespaceMappings`, as discovery uses them. */
  namespaceMappings: NamespaceMapping[];
  logger: LoggerService;
  permissions: PermissionsService;
  audit: AuditLog;
  clusters: InClusterSource;
  catalog: CatalogService;
  auth: AuthService;
}): ExternalApprovals[] {
  const { settings, logger, catalog, auth } = options;
  if (!settings.enabled) return [];
  return [
    InClusterApprovals.create({
      clusters: options.clusters,
      approvers: settings.approvers,
      caIssuers: settings.caIssuers,
      permissions: options.permissions,
      audit: options.audit,
      logger,
      ownership: InClusterOwnership.create({
        loadEntities: () => loadOwnershipEntities({ catalog, auth }),
        namespaceMappings: options.namespaceMappings,
        logger,
      }),
      decisionLog: InClusterDecisionLog.create({ knex: options.knex }),
      identities: KubernetesIdentities.create({ catalog, auth }),
    }),
  ];
}
