import { AuthService } from '@backstage/backend-plugin-api';
import {
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { readUserEntity } from '../service/catalogUser';
import { ApproverDirectory } from './ports';

/**
 * Group membership now, from the catalog: the user entity's memberOf
 * relations, as the default sign-in resolvers turn them into a signed-in
 * user's ownership refs. Read with the plugin's own credentials, uncached:
 * it is asked only when an approval completes N and earlier approvals must
 * be checked against who is an approver now.
 */
export class CatalogApproverDirectory implements ApproverDirectory {
  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
  }): CatalogApproverDirectory {
    return new CatalogApproverDirectory(options);
  }

  private constructor(
    private readonly o: { catalog: CatalogService; auth: AuthService },
  ) {}

  /** Throws ServiceUnavailableError when the catalog cannot answer: nothing is decided then. */
  async ownershipRefsOf(userEntityRef: string): Promise<string[]> {
    const entity = await readUserEntity(
      this.o,
      userEntityRef,
      `Cannot check in the catalog whether ${userEntityRef} is still an approver`,
    );
    if (!entity) return [];
    const groups = (entity.relations ?? [])
      .filter(r => r.type === RELATION_MEMBER_OF)
      .map(r => r.targetRef);
    return [stringifyEntityRef(entity), ...groups];
  }
}
