import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_API_SERVER,
  ANNOTATION_KUBERNETES_API_SERVER_CA,
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_SKIP_TLS_VERIFY,
} from '@backstage/plugin-kubernetes-common';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { HostLookup, refuseApiServerUrl } from './apiServerUrl';

export interface CatalogClusterLocatorOptions {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** Hosts allowed plain HTTP or a non-public address (`dangerouslyAllowClusterUrls`). */
  allowedHosts?: string[];
  /** Whether the skip-tls-verify annotation is honoured (`dangerouslyAllowSkipTLSVerify`). */
  allowSkipTLSVerify?: boolean;
  lookup?: HostLookup;
}

const annotationFilter = (key: string) => `metadata.annotations.${key}`;

/**
 * Clusters registered in the catalog as `Resource` entities of type
 * `kubernetes-cluster`, as the Kubernetes plugin's `catalog` locator reads
 * them. An entity describes where a cluster is; it cannot hand the backend
 * a token or make it trust a server: service-account clusters, unsafe URLs
 * and skip-tls-verify (unless app-config allows them) are refused.
 */
export class CatalogClusterLocator {
  private constructor(private readonly options: CatalogClusterLocatorOptions) {}

  static create(options: CatalogClusterLocatorOptions): CatalogClusterLocator {
    return new CatalogClusterLocator(options);
  }

  async getClusters(): Promise<ClusterDetails[]> {
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: [
          {
            kind: 'Resource',
            'spec.type': 'kubernetes-cluster',
            [annotationFilter(ANNOTATION_KUBERNETES_API_SERVER)]:
              CATALOG_FILTER_EXISTS,
            [annotationFilter(ANNOTATION_KUBERNETES_API_SERVER_CA)]:
              CATALOG_FILTER_EXISTS,
            [annotationFilter(ANNOTATION_KUBERNETES_AUTH_PROVIDER)]:
              CATALOG_FILTER_EXISTS,
          },
        ],
      },
      // Discovery runs without a user: the plugin reads as itself.
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const clusters: ClusterDetails[] = [];
    for (const entity of items) {
      const cluster = await this.toCluster(entity);
      if (cluster) clusters.push(cluster);
    }
    return clusters;
  }

  private async toCluster(entity: Entity): Promise<ClusterDetails | undefined> {
    const { name } = entity.metadata;
    const annotations = entity.metadata.annotations ?? {};
    const ignore = (reason: string) => {
      this.options.logger.warn(
        `Ignoring kubernetes-cluster Resource ${name}: ${reason}`,
      );
      return undefined;
    };
    const provider = annotations[ANNOTATION_KUBERNETES_AUTH_PROVIDER];
    if (!provider || provider === 'serviceAccount') {
      // The token would be the backend's own, sent to a URL the entity chose.
      return ignore(
        'the serviceAccount auth provider is only accepted from app-config',
      );
    }
    const url = annotations[ANNOTATION_KUBERNETES_API_SERVER];
    const refused = await refuseApiServerUrl(url, {
      allowedHosts: this.options.allowedHosts,
      lookup: this.options.lookup,
    });
    if (refused) return ignore(refused);
    // Only kubernetes.io/ keys, never a token: like the Kubernetes plugin.
    const authMetadata = Object.fromEntries(
      Object.entries(annotations).filter(
        ([key]) =>
          key.startsWith('kubernetes.io/') && key !== 'serviceAccountToken',
      ),
    );
    return {
      name,
      title: entity.metadata.title,
      url,
      caData: annotations[ANNOTATION_KUBERNETES_API_SERVER_CA] || undefined,
      skipTLSVerify:
        // Plain HTTP got here only through dangerouslyAllowClusterUrls;
        // client-node refuses it unless verification is marked as skipped.
        new URL(url).protocol === 'http:' ||
        ((this.options.allowSkipTLSVerify ?? false) &&
          annotations[ANNOTATION_KUBERNETES_SKIP_TLS_VERIFY] === 'true'),
      authMetadata,
    };
  }
}
