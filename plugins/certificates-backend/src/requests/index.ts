export { DatabaseRequestStore } from './DatabaseRequestStore';
export type { RequestStore, NewRequest, RequestPatch, RequestListFilter } from './RequestStore';
export { RequestService, RequestValidator, readPolicies } from './RequestService';
export type { EntityPolicy, QueuedRequestNotifier, RequestServiceOptions, RequestValidatorOptions, Validation } from './RequestService';
export { createRequestsRouter } from './createRequestsRouter';
export type { RequestsRouterOptions } from './createRequestsRouter';
export { checkCsr, MAX_CSR_BYTES } from './csrChecks';
