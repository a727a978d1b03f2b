import { AuthService, LoggerService, PermissionsService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
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
  config: Config;
  logger: LoggerService;
  permissions: PermissionsService;
  audit: AuditLog;
  clusters: InClusterSource;
  catalog: CatalogService;
  auth: AuthService;
}): ExternalApprovals[] {
  const { config, logger, catalog, auth } = options;
  const inCluster = config.getOptionalConfig('certificates.approvals.inCluster');
  if (!inCluster?.getOptionalBoolean('enabled')) return [];
  return [
    InClusterApprovals.create({
      clusters: options.clusters,
      approvers: inCluster.getOptionalStringArray('approvers') ?? [],
      caIssuers: inCluster.getOptionalStringArray('caIssuers') ?? [],
      permissions: options.permissions,
      audit: options.audit,
      logger,
      ownership: InClusterOwnership.create({
        loadEntities: () => loadOwnershipEntities({ catalog, auth }),
        namespaceMappings: InClusterOwnership.readNamespaceMappings(config),
        logger,
      }),
      decisionLog: InClusterDecisionLog.create({ knex: options.knex }),
      identities: KubernetesIdentities.create({ catalog, auth }),
    }),
  ];
}
