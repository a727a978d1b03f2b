export {
  STRONG_CURVES,
  MIN_RSA_BITS,
  weakKeyReason,
  isWeakSignatureAlgorithm,
  hasSubjectAltNames,
  commonNameOf,
} from './keyStrength';
