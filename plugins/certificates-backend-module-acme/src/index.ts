/**
 * ACME issuers for the certificates backend.
 *
 * @packageDocumentation
 */
export { certificatesModuleAcme as default } from './module';
export { AcmeIssuer, revocationReasonCode } from './issuer';
export type { AcmeIssuerOptions } from './issuer';
export {
  ACME_CHALLENGE_PATH,
  Http01ChallengeResponder,
  WebhookChallengeSolver,
} from './challenges';
export type {
  AcmeChallenge,
  AcmeChallengeType,
  ChallengeSolver,
  ChallengeWebhookPayload,
  WebhookChallengeSolverOptions,
} from './challenges';
export { DatabaseAcmeStateStore, FileAcmeStateStore } from './state';
export type { DatabaseAcmeStateStoreOptions } from './state';
export type { AcmeOrderRecord, AcmeStateStore } from './state';
export { readAcmeConfig } from './config';
export type { AcmeIssuerSettings, AcmeModuleSettings } from './config';
