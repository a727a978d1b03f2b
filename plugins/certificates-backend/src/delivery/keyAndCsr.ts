import { KeyAlgorithmChoice } from '@kubecerts/backstage-plugin-certificates-common';
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { derToPem, x509 } from '../pki';

function algorithmFor(choice: KeyAlgorithmChoice): RsaHashedKeyGenParams | EcKeyGenParams {
  switch (choice) {
    case 'ECDSA-P256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ECDSA-P384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    default:
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: Number(choice.slice('RSA-'.length)),
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
  }
}

/** A private key (PKCS#8 PEM) and a CSR for it; the key lives only in memory. */
export interface KeyAndCsr {
  privateKeyPem: string;
  csrPem: string;
}

function signingAlgorithmFor(choice: KeyAlgorithmChoice) {
  const algorithm = algorithmFor(choice);
  return algorithm.name === 'ECDSA'
    ? {
        ...algorithm,
        hash: (algorithm as EcKeyGenParams).namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256',
      }
    : algorithm;
}

async function csrFor(
  keys: CryptoKeyPair,
  options: { keyAlgorithm: KeyAlgorithmChoice; commonName?: string; dnsNames: string[] },
): Promise<string> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: options.commonName ? `CN=${options.commonName}` : undefined,
    keys,
    signingAlgorithm: signingAlgorithmFor(options.keyAlgorithm),
    extensions: options.dnsNames.length
      ? [
          new x509.SubjectAlternativeNameExtension(
            options.dnsNames.map(value => ({ type: 'dns' as const, value })),
          ),
        ]
      : [],
  });
  return csr.toString('pem');
}

export async function generateKeyAndCsr(options: {
  keyAlgorithm: KeyAlgorithmChoice;
  commonName?: string;
  dnsNames: string[];
}): Promise<KeyAndCsr> {
  const keys = (await webcrypto.subtle.generateKey(algorithmFor(options.keyAlgorithm), true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const csrPem = await csrFor(keys, options);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = derToPem(pkcs8, 'PRIVATE KEY');
  pkcs8.fill(0);
  return { privateKeyPem, csrPem };
}

/**
 * A CSR for a key generated earlier (PKCS#8 PEM), e.g. read back after a
 * restart. Throws when the key is not of the requested algorithm.
 */
export async function csrForKey(options: {
  privateKeyPem: string;
  keyAlgorithm: KeyAlgorithmChoice;
  commonName?: string;
  dnsNames: string[];
}): Promise<string> {
  const algorithm = algorithmFor(options.keyAlgorithm);
  const key = createPrivateKey(options.privateKeyPem);
  const details = key.asymmetricKeyDetails ?? {};
  const matches =
    algorithm.name === 'ECDSA'
      ? key.asymmetricKeyType === 'ec' &&
        details.namedCurve === { 'P-256': 'prime256v1', 'P-384': 'secp384r1' }[(algorithm as EcKeyGenParams).namedCurve]
      : key.asymmetricKeyType === 'rsa' &&
        details.modulusLength === (algorithm as RsaHashedKeyGenParams).modulusLength;
  if (!matches) {
    throw new Error(`The stored key is not a ${options.keyAlgorithm} key`);
  }
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  try {
    const keys = {
      privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']),
      publicKey: await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']),
    } as CryptoKeyPair;
    return await csrFor(keys, options);
  } finally {
    pkcs8.fill(0);
  }
}
