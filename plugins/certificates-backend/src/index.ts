/**
 * Backend of the certificates plugin.
 *
 * @packageDocumentation
 */
export { certificatesPlugin as default } from './plugin';
/** Conditions for permission policies on certificate requests. */
export {
  requestConditions,
  createRequestConditionalDecision,
} from './approvals';
