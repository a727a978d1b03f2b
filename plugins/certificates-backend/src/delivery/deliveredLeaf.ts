import {
  DeliveredLeafFacts,
  KeyAlgorithmChoice,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  createPrivateKey,
  createPublicKey,
  KeyObject,
  X509Certificate,
} from 'node:crypto';
import { x509 } from '../pki';
import { publicKeyFingerprint } from './clusterTarget';

function keyChoiceOf(key: KeyObject): KeyAlgorithmChoice | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    return ({ prime256v1: 'ECDSA-P256', secp384r1: 'ECDSA-P384' } as const)[
      details.namedCurve as 'prime256v1' | 'secp384r1'
    ];
  }
  if (
    key.asymmetricKeyType === 'rsa' &&
    [2048, 3072, 4096].includes(details.modulusLength ?? 0)
  ) {
    return `RSA-${details.modulusLength}` as KeyAlgorithmChoice;
  }
  return undefined;
}

function certifies(
  leaf: X509Certificate,
  privateKeyPem: string | undefined,
): boolean {
  if (!privateKeyPem) return false;
  try {
    return (
      publicKeyFingerprint(createPublicKey(createPrivateKey(privateKeyPem))) ===
      publicKeyFingerprint(leaf.publicKey)
    );
  } catch {
    return false;
  }
}

/**
 * The facts `deliveredLeafVerdict` judges, read from a Secret's chain and
 * key; the key is compared in memory and goes nowhere.
 */
export function deliveredLeafFacts(
  chainPem: string,
  privateKeyPem: string | undefined,
): DeliveredLeafFacts {
  const leaf = new X509Certificate(chainPem);
  const parsed = new x509.X509Certificate(chainPem);
  const san = parsed.getExtension(x509.SubjectAlternativeNameExtension);
  const names = (type: string) =>
    (san?.names.items ?? []).filter(n => n.type === type).map(n => n.value);
  return {
    commonName: parsed.subjectName.getField('CN')[0],
    dnsNames: names('dns'),
    ipAddresses: names('ip'),
    uris: names('url'),
    keyAlgorithm: keyChoiceOf(leaf.publicKey),
    notBefore: new Date(leaf.validFrom).toISOString(),
    certifiesStoredKey: certifies(leaf, privateKeyPem),
  };
}
