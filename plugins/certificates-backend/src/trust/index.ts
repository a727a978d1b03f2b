export { DatabaseTrustStore } from './DatabaseTrustStore';
export type { TrustStore, TrustTargetRecord } from './TrustStore';
export { TrustChangeService } from './TrustChangeService';
export type {
  TrustChangeInput,
  TrustChangeServiceOptions,
} from './TrustChangeService';
export { TrustDistributor } from './TrustDistributor';
export type {
  DistributionSettings,
  TrustDistributorOptions,
} from './TrustDistributor';
export { createTrustRouter } from './createTrustRouter';
export type { TrustRouterOptions } from './createTrustRouter';
export { bundleHash, parseRoots, seededRoots } from './rootCertificate';
