import { KeyAlgorithmChoice } from '@internal/plugin-certificates-common';
import { webcrypto } from 'node:crypto';
import { derToPem } from '../ca/pem';
import { x509 } from '../ca/x509';

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

export async function generateKeyAndCsr(options: {
  keyAlgorithm: KeyAlgorithmChoice;
  commonName?: string;
  dnsNames: string[];
}): Promise<KeyAndCsr> {
  const algorithm = algorithmFor(options.keyAlgorithm);
  const signingAlgorithm =
    algorithm.name === 'ECDSA'
      ? {
          ...algorithm,
          hash: (algorithm as EcKeyGenParams).namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256',
        }
      : algorithm;
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: options.commonName ? `CN=${options.commonName}` : undefined,
    keys,
    signingAlgorithm,
    extensions: options.dnsNames.length
      ? [
          new x509.SubjectAlternativeNameExtension(
            options.dnsNames.map(value => ({ type: 'dns' as const, value })),
          ),
        ]
      : [],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = derToPem(pkcs8, 'PRIVATE KEY');
  pkcs8.fill(0);
  return { privateKeyPem, csrPem: csr.toString('pem') };
}
