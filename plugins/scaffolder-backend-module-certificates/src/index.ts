/**
 * The `certificates:request` Scaffolder action: request a TLS certificate
 * from the certificates portal in a software template.
 *
 * @packageDocumentation
 */
export { scaffolderModuleCertificates as default } from './module';
export { createRequestCertificateAction } from './actions';
