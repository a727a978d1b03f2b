export {
  CERTIFICATES_ANNOTATION_PREFIX,
  isCertificatesAvailable,
} from './isCertificatesAvailable';
