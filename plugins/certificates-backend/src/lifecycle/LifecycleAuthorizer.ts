import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  authorizingOwnership,
  CertificateDetails,
  CertificateRequest,
  certificateReadPermission,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  authorizeFilter,
  filterAllows,
  matchesPermissionFilter,
  PermissionSubject,
  storeFilter,
  transformCertificateConditions,
} from '../permissions';
import { InventoryStore } from '../inventory/store';

type CertificatePermission = typeof certificateReadPermission;

/**
 * What an action on a certificate is decided on. A portal certificate is its
 * request's: renewing it makes a request for the request's entity, revoking
 * it revokes what the request was issued. So the decision is about the
 * request's entity and owner, never the row's, which come from what the
 * cluster says (labels) and grant nothing. A certificate without a proven
 * request is decided on its row (and reissued only on `reissueSubjectOf`).
 */
export function subjectOf(
  row: Pick<CertificateDetails, 'entityRef' | 'ownerRef' | 'issuer'>,
  request?: Pick<CertificateRequest, 'entityRef' | 'ownerRef'>,
): PermissionSubject {
  return {
    entity_ref: request ? request.entityRef : row.entityRef,
    owner_ref: request ? request.ownerRef : row.ownerRef,
    // The row's leaf is the request's certificate (the link is proven).
    issuer: row.issuer,
  };
}

/**
 * What asking a cert-manager Certificate the portal did not create to issue
 * again is decided on: its owner only where configuration named it (a
 * namespace mapping); an owner read from labels counts as none, so only a
 * permission that does not depend on the owner allows it.
 */
export function reissueSubjectOf(
  row: Pick<CertificateDetails, 'ownership' | 'issuer'>,
): PermissionSubject {
  const owner = authorizingOwnership(row.ownership);
  return {
    entity_ref: owner.entityRef,
    owner_ref: owner.ownerRef,
    issuer: row.issuer,
  };
}

/**
 * Permission decisions for renew and revoke: the row as the caller may read
 * it, and whether a permission allows them to act on a subject.
 */
export class LifecycleAuthorizer {
  constructor(
    private readonly o: {
      permissions: PermissionsService;
      inventory: Pick<InventoryStore, 'getCertificate'>;
    },
  ) {}

  /** The row, when the caller may read it; else 404, as for no row at all. */
  async readableRow(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<CertificateDetails> {
    const filter = await authorizeFilter(
      this.o.permissions,
      certificateReadPermission,
      credentials,
      transformCertificateConditions,
    );
    const row =
      filter === false
        ? undefined
        : await this.o.inventory.getCertificate(id, storeFilter(filter));
    if (!row) throw new NotFoundError(`No certificate ${id}`);
    return row;
  }

  /**
   * Whether `permission` lets the caller act on `subject`: a conditional
   * decision is evaluated as the inventory's SQL filter would evaluate it on
   * a row with the subject's entity, owner and issuer.
   */
  async allows(
    permission: CertificatePermission,
    credentials: BackstageCredentials,
    subject: PermissionSubject,
  ): Promise<boolean> {
    const filter = await authorizeFilter(
      this.o.permissions,
      permission,
      credentials,
      transformCertificateConditions,
    );
    return filterAllows(filter, criteria =>
      matchesPermissionFilter(criteria, subject),
    );
  }
}
