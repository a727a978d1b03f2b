import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle as unknown as SubtleCrypto;

/** Key algorithms the fixtures can make. */
export type FixtureKeyType = 'rsa-1024' | 'rsa-2048' | 'ec-p256' | 'ec-p384';
export type FixtureHash = 'SHA-1' | 'SHA-256';

/** A CA the fixtures can sign with (PEM certificate + PKCS#8 PEM key). */
export interface FixtureIssuer {
  certPem: string;
  keyPem: string;
  /** Certificates above the issuer to append to a chain (not the root). */
  chainPem?: string;
}

export interface TestPki {
  root: FixtureIssuer;
  intermediate: FixtureIssuer;
  /** An unrelated root: chains from it do not build to `root`. */
  rogue: FixtureIssuer;
}

export interface LeafCertificateOptions {
  commonName?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Default: one day ago. */
  notBefore?: Date;
  /** Default: 90 days after notBefore. */
  notAfter?: Date;
  /** Default 'ec-p256'. */
  keyType?: FixtureKeyType;
  /** Signature hash; default 'SHA-256'. */
  hash?: FixtureHash;
  selfSigned?: boolean;
  /** Default 'intermediate' of the test PKI. */
  issuer?: 'intermediate' | 'root' | 'rogue' | FixtureIssuer;
  isCa?: boolean;
  /** Which cached key of the type to use (keys are reused for speed). */
  keySlot?: number;
}

export interface LeafCertificate {
  /** The leaf alone. */
  certPem: string;
  /** Leaf followed by intermediates: what goes into tls.crt. */
  chainPem: string;
  /** PKCS#8 PEM private key of the leaf. */
  keyPem: string;
  serialNumber: string;
}

const DAY = 24 * 60 * 60 * 1000;
const keyCache = new Map<string, Promise<CryptoKeyPair>>();

function keyAlgorithm(type: FixtureKeyType, hash: FixtureHash = 'SHA-256') {
  switch (type) {
    case 'rsa-1024':
    case 'rsa-2048':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: type === 'rsa-1024' ? 1024 : 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash,
      };
    case 'ec-p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    default:
      return { name: 'ECDSA', namedCurve: 'P-256' };
  }
}

/** A key pair of the given type; the same slot always returns the same key. */
export function fixtureKeyPair(
  type: FixtureKeyType,
  slot = 0,
): Promise<CryptoKeyPair> {
  const id = `${type}:${slot}`;
  let pair = keyCache.get(id);
  if (!pair) {
    pair = subtle.generateKey(keyAlgorithm(type), true, [
      'sign',
      'verify',
    ]) as Promise<CryptoKeyPair>;
    keyCache.set(id, pair);
  }
  return pair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(
    await subtle.exportKey('pkcs8', key),
    'PRIVATE KEY',
  );
}

/** Imports a PKCS#8 PEM key for signing with the given hash. */
async function importSigningKey(keyPem: string, hash: FixtureHash) {
  const keyObject = createPrivateKey(keyPem);
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  const curves: Record<string, string> = {
    secp384r1: 'P-384',
    secp521r1: 'P-521',
  };
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  const params =
    keyObject.asymmetricKeyType === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash }
      : { name: 'ECDSA', namedCurve: curves[curve ?? ''] ?? 'P-256' };
  const key = await subtle.importKey('pkcs8', der, params, false, ['sign']);
  return { key, algorithm: { name: params.name, hash } };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

async function caCertificate(
  name: string,
  keys: CryptoKeyPair,
  issuer?: FixtureIssuer,
): Promise<FixtureIssuer> {
  const now = Date.now();
  const extensions = [
    new x509.BasicConstraintsExtension(true, issuer ? 0 : undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({
        serialNumber: serialNumber(),
        subject: name,
        issuer: new x509.X509Certificate(issuer.certPem).subject,
        notBefore: new Date(now - 365 * DAY),
        notAfter: new Date(now + 5 * 365 * DAY),
        publicKey: keys.publicKey,
        signingKey: (await importSigningKey(issuer.keyPem, 'SHA-256')).key,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
        extensions,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serialNumber(),
        name,
        notBefore: new Date(now - 365 * DAY),
        notAfter: new Date(now + 10 * 365 * DAY),
        keys,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
        extensions,
      });
  return {
    certPem: cert.toString('pem'),
    keyPem: await privateKeyPem(keys.privateKey),
  };
}

let pki: Promise<TestPki> | undefined;

/** The test PKI (ECDSA P-256 root, intermediate and an unrelated rogue root), made once per process. */
export function testPki(): Promise<TestPki> {
  if (!pki) {
    pki = (async () => {
      const root = await caCertificate(
        'CN=Certificates Test Root CA, O=Example',
        await fixtureKeyPair('ec-p256', 100),
      );
      const intermediate = await caCertificate(
        'CN=Certificates Test Issuing CA, O=Example',
        await fixtureKeyPair('ec-p256', 101),
        root,
      );
      const rogue = await caCertificate(
        'CN=Rogue Root CA, O=Nobody',
        await fixtureKeyPair('ec-p256', 102),
      );
      return { root, intermediate, rogue };
    })();
  }
  return pki;
}

const isSelfSigned = (pem: string) => {
  const cert = new x509.X509Certificate(pem);
  return cert.subject === cert.issuer;
};

/** Issues a leaf (server) certificate with the given properties. */
export async function createLeafCertificate(
  options: LeafCertificateOptions = {},
): Promise<LeafCertificate> {
  const keyType = options.keyType ?? 'ec-p256';
  const hash = options.hash ?? 'SHA-256';
  const keys = await fixtureKeyPair(keyType, options.keySlot ?? 0);
  const commonName =
    options.commonName ?? options.dnsNames?.[0] ?? 'service.example.com';
  const dnsNames = options.dnsNames ?? [commonName];
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 90 * DAY);
  const subject = `CN=${commonName}`;
  const names = [
    ...dnsNames.map(value => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map(value => ({
      type: 'ip' as const,
      value,
    })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(!!options.isCa, undefined, true),
    new x509.KeyUsagesExtension(
      options.isCa
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature
        : x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ...(names.length ? [new x509.SubjectAlternativeNameExtension(names)] : []),
  ];
  const keyPem = await privateKeyPem(keys.privateKey);
  const serial = serialNumber();

  let issuer: FixtureIssuer | undefined;
  if (!options.selfSigned) {
    const test = await testPki();
    issuer =
      typeof options.issuer === 'object'
        ? options.issuer
        : test[options.issuer ?? 'intermediate'];
  }
  const signer = await importSigningKey(issuer?.keyPem ?? keyPem, hash);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject,
    issuer: issuer ? new x509.X509Certificate(issuer.certPem).subject : subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions,
  });
  const certPem = cert.toString('pem');
  const chain = [certPem];
  if (issuer && !isSelfSigned(issuer.certPem))
    chain.push(issuer.certPem.trim());
  if (issuer?.chainPem) chain.push(issuer.chainPem.trim());
  return {
    certPem,
    chainPem: `${chain.map(p => p.trim()).join('\n')}\n`,
    keyPem,
    serialNumber: serial,
  };
}

/** A PKCS#10 CSR (PEM) and its key, as a workload would submit it. */
export async function createCsr(options: {
  commonName: string;
  dnsNames?: string[];
  keyType?: FixtureKeyType;
  keySlot?: number;
}) {
  const keys = await fixtureKeyPair(
    options.keyType ?? 'ec-p256',
    options.keySlot ?? 0,
  );
  const dnsNames = options.dnsNames ?? [options.commonName];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${options.commonName}`,
    keys,
    signingAlgorithm: (options.keyType ?? 'ec-p256').startsWith('rsa')
      ? { name: 'RSASSA-PKCS1-v1_5' }
      : ({ name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams),
    extensions: [
      new x509.SubjectAlternativeNameExtension(
        dnsNames.map(value => ({ type: 'dns' as const, value })),
      ),
    ],
  });
  return {
    csrPem: csr.toString('pem'),
    keyPem: await privateKeyPem(keys.privateKey),
  };
}

/** A Secret object as the control API and client-node accept it. */
export interface SecretObject {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: {
    namespace: string;
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  type: string;
  data: Record<string, string>;
  [key: string]: unknown;
}

export interface SecretMeta {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A `kubernetes.io/tls` Secret holding the given chain and key. */
export function tlsSecret(
  options: SecretMeta & { certPem: string; keyPem: string; caPem?: string },
): SecretObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      namespace: options.namespace,
      name: options.name,
      ...(options.labels ? { labels: { ...options.labels } } : {}),
      ...(options.annotations
        ? { annotations: { ...options.annotations } }
        : {}),
    },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': b64(options.certPem),
      'tls.key': b64(options.keyPem),
      ...(options.caPem ? { 'ca.crt': b64(options.caPem) } : {}),
    },
  };
}

/** A TLS Secret whose tls.key belongs to a different key pair than tls.crt. */
export async function keyMismatchSecret(
  options: SecretMeta & LeafCertificateOptions,
): Promise<SecretObject> {
  const slot = options.keySlot ?? 0;
  const leaf = await createLeafCertificate({ ...options, keySlot: slot });
  const other = await createLeafCertificate({ ...options, keySlot: slot + 1 });
  return tlsSecret({
    ...options,
    certPem: leaf.chainPem,
    keyPem: other.keyPem,
  });
}

/** A TLS Secret whose data is not a certificate at all. */
export function garbageSecret(options: SecretMeta): SecretObject {
  return tlsSecret({
    ...options,
    certPem:
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
    keyPem: 'not a key',
  });
}
