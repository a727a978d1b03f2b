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
// Their whole surface is the permission framework's: what policies build
// decisions with, and how decisions become store filters.
export * from './conditionExports';
export * from './conditionalFilter';
export { registerPermissions } from './registerPermissions';
