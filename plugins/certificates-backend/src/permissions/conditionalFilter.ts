import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { certificateReadPermission } from '@kubecerts/backstage-plugin-certificates-common';
import type { Request } from 'express';
import {
  AuthorizeResult,
  PermissionCriteria,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import { certificatePermissionRules } from './certificateRules';
import { requestPermissionRules } from './requestRules';
import {
  CertificatePermissionFilter,
  CertificateQueryFilter,
  RequestQuery,
} from './types';

/** Turns conditional decisions on certificates into inventory filters. */
export const transformCertificateConditions: ConditionTransformer<CertificateQueryFilter> =
  createConditionTransformer<
    CertificateQueryFilter,
    Array<
      (typeof certificatePermissionRules)[keyof typeof certificatePermissionRules]
    >
  >(Object.values(certificatePermissionRules));

/** Turns conditional decisions on requests into request store filters. */
export const transformRequestConditions: ConditionTransformer<RequestQuery> =
  createConditionTransformer(Object.values(requestPermissionRules));

/**
 * A decision as a store applies it: true lets everything through, false
 * nothing, criteria what they match. One shape for every caller, so that a
 * CONDITIONAL decision is never mistaken for an ALLOW.
 */
export type PermissionFilter<T> = boolean | PermissionCriteria<T>;

/** Asks the permission framework once and returns the decision as a filter. */
export async function authorizeFilter<T>(
  permissions: Pick<PermissionsService, 'authorizeConditional'>,
  permission: ResourcePermission,
  credentials: BackstageCredentials,
  transform: ConditionTransformer<T>,
): Promise<PermissionFilter<T>> {
  const [decision] = await permissions.authorizeConditional([{ permission }], {
    credentials,
  });
  if (decision.result === AuthorizeResult.CONDITIONAL) {
    return transform(decision.conditions);
  }
  return decision.result === AuthorizeResult.ALLOW;
}

/** Whether a filter lets a loaded resource through, `matches` judging criteria. */
export function filterAllows<T>(
  filter: PermissionFilter<T>,
  matches: (criteria: PermissionCriteria<T>) => boolean,
): boolean {
  if (typeof filter === 'boolean') return filter;
  return matches(filter);
}

/** The store filter for an inventory query: undefined means no restriction. */
export function storeFilter<T>(
  filter: PermissionCriteria<T> | true,
): PermissionCriteria<T> | undefined {
  return filter === true ? undefined : filter;
}

/**
 * Which certificates the caller of a request may read, as an inventory
 * filter: undefined for all of them; 403 when none. Automation (service
 * principals) reads like anyone the policy admits. The decision needs the
 * credentials only, not the user's entity and groups.
 */
export async function certificateReadFilter(
  options: {
    httpAuth: HttpAuthService;
    permissions: Pick<PermissionsService, 'authorizeConditional'>;
  },
  req: Request,
): Promise<CertificatePermissionFilter | undefined> {
  const credentials = await options.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const filter = await authorizeFilter(
    options.permissions,
    certificateReadPermission,
    credentials,
    transformCertificateConditions,
  );
  if (filter === false) {
    throw new NotAllowedError('You may not read certificates');
  }
  return storeFilter(filter);
}
