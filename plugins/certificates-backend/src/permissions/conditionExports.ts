import { createConditionExports } from '@backstage/plugin-permission-node';
import { CERTIFICATE_RESOURCE_TYPE } from '@kubecerts/backstage-plugin-certificates-common';
import { certificatePermissionRules } from './certificateRules';
import { requestPermissionRules, requestResourceRef } from './requestRules';

/**
 * What a permission policy builds conditional decisions with, e.g.
 * `createCertificateConditionalDecision(permission, certificateConditions.isEntityOwner({ claims }))`,
 * so rule names and parameters are checked by the compiler, not spelled by hand.
 */
export const {
  conditions: certificateConditions,
  createConditionalDecision: createCertificateConditionalDecision,
} = createConditionExports({
  pluginId: 'certificates',
  resourceType: CERTIFICATE_RESOURCE_TYPE,
  rules: certificatePermissionRules,
});

/** For policies on requests, e.g. `requestConditions.isEntityOwner({ claims })`. */
export const {
  conditions: requestConditions,
  createConditionalDecision: createRequestConditionalDecision,
} = createConditionExports({
  resourceRef: requestResourceRef,
  rules: requestPermissionRules,
});
