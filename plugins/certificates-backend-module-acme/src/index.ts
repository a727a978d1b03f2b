/**
 * ACME issuers for the certificates backend.
 *
 * @packageDocumentation
 */
export { certificatesModuleAcme as default } from './module';
