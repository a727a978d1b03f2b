export {
  STRONG_CURVES,
  MIN_RSA_BITS,
  EXPLICIT_CURVE,
  weakKeyReason,
  isWeakSignatureAlgorithm,
  hasSubjectAltNames,
  commonNameOf,
} from './keyStrength';
export { unsupportedAlgorithmReason } from './algorithmSupport';
