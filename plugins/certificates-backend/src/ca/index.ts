export { BuiltinCa, BUILTIN_ISSUER_ID } from './BuiltinCa';
export type { BuiltinCaOptions, BuiltinCaSettings } from './BuiltinCa';
export { TrustBundle } from './TrustBundle';
export { createCaRouter } from './createCaRouter';
export type { CaRouterOptions } from './createCaRouter';
export {
  KeyEncryption,
  resolveKeyEncryption,
  dataDirectory,
} from './keyEncryption';
