import { AuthService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * A user's entity, read with the plugin's own credentials (undefined when
 * the catalog has none). A catalog that cannot answer is a
 * ServiceUnavailableError led by `cannot`: what could not be established,
 * so that nothing is decided on a guess.
 */
export async function readUserEntity(
  deps: { catalog: CatalogService; auth: AuthService },
  userEntityRef: string,
  cannot: string,
): Promise<Entity | undefined> {
  try {
    return await deps.catalog.getEntityByRef(userEntityRef, {
      credentials: await deps.auth.getOwnServiceCredentials(),
    });
  } catch (error) {
    throw new ServiceUnavailableError(`${cannot}: ${error}`);
  }
}
