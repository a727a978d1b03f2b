import { AuthService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  entityOwnerRef,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  OwnershipEntity,
} from '@kubecerts/backstage-plugin-certificates-common';

/** The owner of an entity as a full ref: the same reading the policy rules make. */
export function ownerRefOf(entity: Entity): string | undefined {
  return entityOwnerRef(entity);
}

export function toOwnershipEntity(entity: Entity): OwnershipEntity {
  return {
    entityRef: stringifyEntityRef(entity),
    ownerRef: ownerRefOf(entity),
    annotations: entity.metadata.annotations,
  };
}

/** Entities that can own Kubernetes objects, read with the plugin's own credentials. */
export async function loadOwnershipEntities(options: {
  catalog: CatalogService;
  auth: AuthService;
}): Promise<OwnershipEntity[]> {
  const credentials = await options.auth.getOwnServiceCredentials();
  const { items } = await options.catalog.getEntities(
    {
      filter: [
        {
          [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        {
          [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
      ],
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.annotations',
        'spec.owner',
      ],
    },
    { credentials },
  );
  return items.map(toOwnershipEntity);
}
