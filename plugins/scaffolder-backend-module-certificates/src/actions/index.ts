export { createRequestCertificateAction } from './requestCertificate';
