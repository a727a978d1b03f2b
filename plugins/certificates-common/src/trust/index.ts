export * from './trustTypes';
export {
  canDecideTrustChange,
  rootCandidateReasons,
  trustChangeOutcome,
} from './rootChangeRules';
export type {
  RootCandidateFacts,
  TrustApprovalSettings,
} from './rootChangeRules';
export { trustTargetRepairable, trustTargetState } from './targetState';
export type { ObservedTarget, WrittenTarget } from './targetState';
