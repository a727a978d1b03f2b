export { decodePunycode } from './punycode';
export {
  dnsNameProblem,
  normalizeDnsNames,
  validateNames,
  MAX_DNS_NAMES,
  MAX_COMMON_NAME_BYTES,
} from './dnsNames';
export type { DnsNameOptions } from './dnsNames';
export {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  isValidNamespace,
  isValidSecretName,
} from './kubernetesNames';
