export * from './CertificatesApi';
export { CertificatesClient } from './CertificatesClient';
export {
  PolicyViolationError,
  isPolicyViolationError,
} from './PolicyViolationError';
