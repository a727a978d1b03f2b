import { LoggerService } from '@backstage/backend-plugin-api';
import {
  buildEntityOwnershipIndex,
  EntityOwnershipIndex,
  NamespaceMapping,
  Ownership,
  OwnershipEntity,
  resolveOwnership,
} from '@kubecerts/backstage-plugin-certificates-common';

export interface InClusterOwnershipInput {
  cluster: string;
  namespace: string;
  /** Labels of the CertificateRequest itself. */
  labels?: Record<string, string>;
  /** Labels of the cert-manager Certificate that made it, when there is one. */
  certificateLabels?: Record<string, string>;
}

/**
 * Owning entity and team of an in-cluster CertificateRequest, by the same
 * rules as the inventory: a `backstage.io/kubernetes-id` label (on the
 * request, then on its Certificate), an entity's
 * `backstage.io/kubernetes-label-selector` (within its
 * `backstage.io/kubernetes-namespace` if set), then the configured namespace
 * mappings. The entity index is reloaded at most once per `refreshMs`.
 */
export class InClusterOwnership {
  static create(options: {
    loadEntities: () => Promise<OwnershipEntity[]>;
    namespaceMappings: NamespaceMapping[];
    logger: LoggerService;
    refreshMs?: number;
    now?: () => number;
  }): InClusterOwnership {
    return new InClusterOwnership(options);
  }

  private index?: { entities: EntityOwnershipIndex; loadedAt: number };
  private loading?: Promise<EntityOwnershipIndex>;

  private constructor(
    private readonly o: Parameters<typeof InClusterOwnership.create>[0],
  ) {}

  async resolve(input: InClusterOwnershipInput): Promise<Ownership> {
    return resolveOwnership({
      cluster: input.cluster,
      namespace: input.namespace,
      secretLabels: input.labels,
      certificateLabels: input.certificateLabels,
      entities: await this.entities(),
      namespaceMappings: this.o.namespaceMappings,
    });
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }

  private async entities(): Promise<EntityOwnershipIndex> {
    const fresh =
      this.index &&
      this.now() - this.index.loadedAt < (this.o.refreshMs ?? 60_000);
    if (fresh) return this.index!.entities;
    // One catalog read at a time; concurrent queue loads share it.
    this.loading ??= this.o
      .loadEntities()
      .then(list => {
        const entities = buildEntityOwnershipIndex(list);
        this.index = { entities, loadedAt: this.now() };
        return entities;
      })
      .catch(error => {
        // Keep what we had: namespace mappings and a stale index beat nothing.
        this.o.logger.warn(
          `Loading catalog entities for in-cluster ownership failed: ${error}`,
        );
        return this.index?.entities ?? buildEntityOwnershipIndex([]);
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
