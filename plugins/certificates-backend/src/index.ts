/**
 * Backend of the certificates plugin.
 *
 * @packageDocumentation
 */
export { certificatesPlugin as default } from './plugin';
/** Conditions for permission policies on certificates and certificate requests. */
export {
  certificateConditions,
  createCertificateConditionalDecision,
  requestConditions,
  createRequestConditionalDecision,
} from './permissions';
