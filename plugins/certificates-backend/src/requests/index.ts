export { DatabaseRequestStore } from './DatabaseRequestStore';
export type {
  RequestStore,
  NewRequest,
  RequestPatch,
  RequestListFilter,
} from './RequestStore';
export { RequestService, DEFAULT_MAX_OPEN_PER_USER } from './RequestService';
export type {
  QueuedRequestNotifier,
  RequestServiceOptions,
  Submitter,
} from './RequestService';
export { RequestValidator } from './RequestValidator';
export type {
  EntityPolicy,
  Requester,
  RequestValidatorOptions,
  Validation,
} from './RequestValidator';
export { TooManyRequestsError } from './errors';
export { createRequestsRouter } from './createRequestsRouter';
export type { RequestsRouterOptions } from './createRequestsRouter';
export { checkCsr, MAX_CSR_BYTES } from './csrChecks';
export type {
  IssuableSubmission,
  IssuerCatalog,
  RequestIssuancePort,
} from './ports';
