import {
  CertificateHistoryEntry,
  describeOid,
  OwnershipRule,
  ParsedCertificate,
} from '@kubecerts/backstage-plugin-certificates-common';

/** An algorithm the backend could only give as a dotted OID, named where known. */
export function describeAlgorithm(name: string): string {
  return /^\d+(\.\d+)+$/.test(name) ? describeOid(name) : name;
}

export function describeKey(
  leaf: Pick<
    ParsedCertificate,
    'keyAlgorithm' | 'keySize' | 'curve' | 'keyAlgorithmName'
  >,
): string {
  if (leaf.keyAlgorithm === 'unknown' && leaf.keyAlgorithmName) {
    return describeAlgorithm(leaf.keyAlgorithmName);
  }
  if (leaf.curve) return `${leaf.keyAlgorithm} ${leaf.curve}`;
  if (leaf.keySize) return `${leaf.keyAlgorithm} ${leaf.keySize} bits`;
  return leaf.keyAlgorithm;
}

export const OWNERSHIP_RULES: Record<OwnershipRule, string> = {
  'secret-label': 'the backstage.io/kubernetes-id label on the Secret',
  'certificate-label':
    'the backstage.io/kubernetes-id label on the cert-manager Certificate that manages the Secret',
  'ingress-label':
    'the backstage.io/kubernetes-id label on an Ingress that uses the Secret',
  'label-selector': "the entity's backstage.io/kubernetes-label-selector",
  'namespace-mapping': 'the namespace-to-team mapping in the configuration',
  request: 'the portal request that issued it',
};

export const HISTORY_EVENTS: Record<CertificateHistoryEntry['event'], string> =
  {
    'first-seen': 'First seen',
    changed: 'Certificate changed',
    gone: 'Secret gone',
    returned: 'Secret back',
    'owner-changed': 'Owner changed',
  };

/** Groups a hex fingerprint in pairs for reading: AB:CD:… */
export function formatFingerprint(hex: string): string {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return clean.match(/.{1,2}/g)?.join(':') ?? hex;
}
