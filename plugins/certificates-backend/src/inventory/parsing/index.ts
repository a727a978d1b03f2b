export {
  parseTlsData,
  describeCertificate,
  certificateId,
} from './parseTlsData';
export type { ParsedTlsData } from './parseTlsData';
export { TrustStore, splitPem } from './TrustStore';
export type { ApprovedRootsSource } from './TrustStore';
export {
  readSignatureAlgorithm,
  readSignatureAlgorithmOid,
} from './derSignatureAlgorithm';
export { ParsedTlsCache } from './ParsedTlsCache';
export { leafFingerprintOf } from './leafFingerprint';
