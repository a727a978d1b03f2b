import { DeliveryKind, KeyAlgorithmChoice } from '../types';

export const DEFAULT_KEY_ALGORITHMS: readonly KeyAlgorithmChoice[] = [
  'ECDSA-P256',
  'ECDSA-P384',
  'RSA-2048',
  'RSA-3072',
  'RSA-4096',
];
export const DEFAULT_MAX_VALIDITY_DAYS = 90;
export const DEFAULT_ALLOWED_NAMESPACES: readonly string[] = [
  '{{kubernetes.namespace}}',
];
export const ALL_DELIVERIES: readonly DeliveryKind[] = [
  'csr',
  'secret',
  'cert-manager',
];
