import { PermissionCriteria } from '@backstage/plugin-permission-common';

/** A condition on inventory rows, produced from permission decisions. */
export interface CertificateQueryFilter {
  key: 'owner_ref' | 'entity_ref' | 'issuer';
  values: string[];
}

export type CertificatePermissionFilter =
  PermissionCriteria<CertificateQueryFilter>;

/** A filter over requests that conditional decisions translate to. */
export type RequestQuery = {
  property: 'requester' | 'issuer' | 'ownerRef' | 'entityRef';
  values: string[];
};
