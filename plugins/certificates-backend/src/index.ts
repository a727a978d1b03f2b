/**
 * Backend of the certificates plugin.
 *
 * @packageDocumentation
 */
export { certificatesPlugin as default } from './plugin';
