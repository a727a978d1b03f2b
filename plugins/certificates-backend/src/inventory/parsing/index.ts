export * from './parseTlsData';
export * from './TrustStore';
export * from './ParsedTlsCache';
export { leafFingerprintOf } from '../../pki';
