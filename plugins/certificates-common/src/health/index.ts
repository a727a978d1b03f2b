export { computeHealth, computeStatus } from './computeHealth';
export type { HealthContext, HealthVerdict } from './computeHealth';
export { pathRuleFailure, validityFailure, chainTrustAt } from './pathRules';
export type {
  PathCertificate,
  PathValidity,
  NameSubtrees,
  ChainTrust,
} from './pathRules';
