import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  CERTIFICATE_RESOURCE_TYPE,
  CertificateSummary,
} from '@kubecerts/backstage-plugin-certificates-common';
import { z } from 'zod';
import { CertificateQueryFilter } from './types';

/** The inventory row as a permission resource; conditions become SQL filters. */
export const certificateResourceRef = createPermissionResourceRef<
  CertificateSummary,
  CertificateQueryFilter
>().with({ pluginId: 'certificates', resourceType: CERTIFICATE_RESOURCE_TYPE });

const isEntityOwner = createPermissionRule({
  name: 'isEntityOwner',
  description:
    "Allow certificates whose owner team is one of the given refs (the caller's ownership refs)",
  resourceRef: certificateResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Owner refs, e.g. group:default/team-a'),
  }),
  apply: (resource, { claims }) =>
    !!resource.ownerRef && claims.includes(resource.ownerRef),
  toQuery: ({ claims }) => ({ key: 'owner_ref', values: claims }),
});

const hasIssuer = createPermissionRule({
  name: 'hasIssuer',
  description:
    'Allow certificates issued by one of the given issuers (issuer distinguished names)',
  resourceRef: certificateResourceRef,
  paramsSchema: z.object({
    issuers: z.array(z.string()).describe('Issuer distinguished names'),
  }),
  apply: (resource, { issuers }) =>
    !!resource.issuer && issuers.includes(resource.issuer),
  toQuery: ({ issuers }) => ({ key: 'issuer', values: issuers }),
});

export const certificatePermissionRules = { isEntityOwner, hasIssuer };
