import {
  CertificateRequest,
  REQUEST_RESOURCE_TYPE,
  sameRef,
} from '@kubecerts/backstage-plugin-certificates-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  createPermissionResourceRef,
  createPermissionRule,
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { RequestQuery } from './types';

export const requestResourceRef = createPermissionResourceRef<
  CertificateRequest,
  RequestQuery
>().with({ pluginId: 'certificates', resourceType: REQUEST_RESOURCE_TYPE });

const refs = z.array(z.string()).describe('Entity refs');

const isRequester = createPermissionRule({
  name: 'isRequester',
  description: 'Allow requests submitted by one of the given users',
  resourceRef: requestResourceRef,
  paramsSchema: z.object({ userRefs: refs }),
  apply: (request, { userRefs }) =>
    userRefs.some(ref => sameRef(ref, request.requester)),
  toQuery: ({ userRefs }) => ({ property: 'requester', values: userRefs }),
});

const hasIssuer = createPermissionRule({
  name: 'hasIssuer',
  description: 'Allow requests for one of the given issuers',
  resourceRef: requestResourceRef,
  paramsSchema: z.object({
    issuers: z.array(z.string()).describe('Issuer ids'),
  }),
  apply: (request, { issuers }) => issuers.includes(request.issuer),
  toQuery: ({ issuers }) => ({ property: 'issuer', values: issuers }),
});

const isEntityOwner = createPermissionRule({
  name: 'isEntityOwner',
  description:
    'Allow requests for entities owned by one of the given claims (user and groups)',
  resourceRef: requestResourceRef,
  paramsSchema: z.object({ claims: refs }),
  apply: (request, { claims }) =>
    !!request.ownerRef && claims.some(ref => sameRef(ref, request.ownerRef!)),
  toQuery: ({ claims }) => ({ property: 'ownerRef', values: claims }),
});

export const requestPermissionRules = { isRequester, hasIssuer, isEntityOwner };

/** Evaluates translated conditions against a loaded request. */
export function matchesRequestCriteria(
  criteria: PermissionCriteria<RequestQuery>,
  request: CertificateRequest,
): boolean {
  if (isAndCriteria(criteria)) {
    return criteria.allOf.every(c => matchesRequestCriteria(c, request));
  }
  if (isOrCriteria(criteria)) {
    return criteria.anyOf.some(c => matchesRequestCriteria(c, request));
  }
  if (isNotCriteria(criteria)) {
    return !matchesRequestCriteria(criteria.not, request);
  }
  const value = request[criteria.property];
  return !!value && criteria.values.some(v => sameRef(v, value));
}
