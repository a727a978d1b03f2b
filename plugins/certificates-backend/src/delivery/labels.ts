import { X509Certificate } from 'node:crypto';

/** The owning entity's name, as the Kubernetes plugin reads it. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
/**
 * The portal request an object was written for. Describes only: anyone who
 * may write the object may set it, so it is believed only when the request
 * it names, read from the database, was delivered to that very object.
 */
export const REQUEST_ID_LABEL = 'certificates.backstage.io/request-id';
/** The lineage (first request id) of that request; descriptive. */
export const LINEAGE_LABEL = 'certificates.backstage.io/lineage';

/** On a pending-key Secret: the request whose key it holds. */
export const PENDING_KEY_LABEL =
  'certificates.backstage.io/pending-key-for-request';
/** On a pending-key Secret: the target Secret the key is meant for. */
export const PENDING_KEY_FOR_ANNOTATION =
  'certificates.backstage.io/target-secret';

export const CERT_MANAGER_CERTIFICATES = {
  group: 'cert-manager.io',
  version: 'v1',
  plural: 'certificates',
};

/** SHA-256 (lowercase hex) of the DER of a chain's first certificate. */
export function leafFingerprint(chainPem: string): string {
  return new X509Certificate(chainPem).fingerprint256
    .replace(/:/g, '')
    .toLowerCase();
}
