/* A small PKI for tests of parsing and discovery. Test-only. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'crypto';

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

type Alg = 'ec' | 'ec384' | 'rsa1024' | 'rsa2048';

const DAY = 24 * 60 * 60 * 1000;

function algorithm(alg: Alg, hash: string) {
  if (alg === 'ec' || alg === 'ec384') {
    return {
      name: 'ECDSA',
      namedCurve: alg === 'ec' ? 'P-256' : 'P-384',
      hash,
    };
  }
  return {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: alg === 'rsa1024' ? 1024 : 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash,
  };
}

export interface TestIssuer {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  pem: string;
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

let serial = 1;

export async function makeCa(
  name: string,
  parent?: TestIssuer,
): Promise<TestIssuer> {
  const alg = algorithm('ec', 'SHA-256');
  const keys = (await crypto.subtle.generateKey(alg, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const now = Date.now();
  const params = {
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  };
  const cert = parent
    ? await x509.X509CertificateGenerator.create({
        ...params,
        subject: `CN=${name}`,
        issuer: parent.cert.subject,
        publicKey: keys.publicKey,
        signingKey: parent.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        ...params,
        name: `CN=${name}`,
        keys,
      });
  return { cert, keys, pem: cert.toString('pem') };
}

/** A root CA and an issuing CA under it, named `<prefix> Root` and `<prefix> Issuing CA`. */
export async function makeCaChain(
  prefix: string,
): Promise<{ root: TestIssuer; issuing: TestIssuer }> {
  const root = await makeCa(`${prefix} Root`);
  return { root, issuing: await makeCa(`${prefix} Issuing CA`, root) };
}

export interface LeafOptions {
  issuer?: TestIssuer;
  commonName?: string;
  dnsNames?: string[];
  alg?: Alg;
  hash?: 'SHA-256' | 'SHA-1';
  /** Days from now. */
  notBeforeDays?: number;
  notAfterDays?: number;
  ca?: boolean;
  /** No subject at all (names only in the SAN extension), as a CSR may ask. */
  emptySubject?: boolean;
  /** Hex; by default the next of a counter. */
  serialNumber?: string;
}

export interface TestLeaf {
  certPem: string;
  keyPem: string;
}

export async function makeLeaf(options: LeafOptions = {}): Promise<TestLeaf> {
  const alg = algorithm(options.alg ?? 'ec', options.hash ?? 'SHA-256');
  const keys = (await crypto.subtle.generateKey(alg, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const now = Date.now();
  const dnsNames = options.dnsNames ?? ['app.example.com'];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(options.ca ?? false, undefined, true),
  ];
  if (dnsNames.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        dnsNames.map(value => ({ type: 'dns' as const, value })),
      ),
    );
  }
  const params = {
    serialNumber:
      options.serialNumber ?? (serial++).toString(16).padStart(2, '0'),
    notBefore: new Date(now + (options.notBeforeDays ?? -1) * DAY),
    notAfter: new Date(now + (options.notAfterDays ?? 60) * DAY),
    extensions,
  };
  const cn = options.emptySubject
    ? ''
    : `CN=${options.commonName ?? dnsNames[0] ?? 'no-san'}`;
  const cert = options.issuer
    ? await x509.X509CertificateGenerator.create({
        ...params,
        subject: cn,
        issuer: options.issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: options.issuer.keys.privateKey,
        signingAlgorithm: { ...algorithm('ec', options.hash ?? 'SHA-256') },
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        ...params,
        name: cn,
        keys,
        signingAlgorithm: alg,
      });
  return {
    certPem: cert.toString('pem'),
    keyPem: await pkcs8Pem(keys.privateKey),
  };
}

/** Base64 Secret data as Kubernetes stores it. */
export function secretData(
  crtPem: string,
  keyPem?: string,
): Record<string, string> {
  const data: Record<string, string> = {
    'tls.crt': Buffer.from(crtPem).toString('base64'),
  };
  if (keyPem !== undefined) {
    data['tls.key'] = Buffer.from(keyPem).toString('base64');
  }
  return data;
}
