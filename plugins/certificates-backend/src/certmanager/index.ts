export {
  CertManagerClient,
  CERT_MANAGER_GROUP,
  conditionTime,
  statusCode,
} from './CertManagerClient';
export * from './types';
