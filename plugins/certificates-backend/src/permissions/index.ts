export type {
  CertificatePermissionFilter,
  CertificateQueryFilter,
  RequestQuery,
} from './types';
export {
  certificatePermissionRules,
  certificateResourceRef,
} from './certificateRules';
export { matchesPermissionFilter } from './certificateCriteria';
export type { PermissionSubject } from './certificateCriteria';
export {
  matchesRequestCriteria,
  requestPermissionRules,
  requestResourceRef,
} from './requestRules';
export {
  certificateConditions,
  createCertificateConditionalDecision,
  createRequestConditionalDecision,
  requestConditions,
} from './conditionExports';
export {
  authorizeFilter,
  filterAllows,
  storeFilter,
  transformCertificateConditions,
  transformRequestConditions,
} from './conditionalFilter';
export type { PermissionFilter } from './conditionalFilter';
export { registerPermissions } from './registerPermissions';
