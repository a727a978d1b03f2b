export {
  parseTlsData,
  describeCertificate,
  certificateId,
  chainTrustThrough,
} from './parseTlsData';
export type { ParsedTlsData } from './parseTlsData';
export { TrustStore } from './TrustStore';
export type { ApprovedRootsSource } from './TrustStore';
export {
  leafFingerprintOf,
  readSignatureAlgorithm,
  readSignatureAlgorithmOid,
  splitPem,
} from '../../pki';
export { ParsedTlsCache } from './ParsedTlsCache';
