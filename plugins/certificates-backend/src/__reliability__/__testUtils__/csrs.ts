import {
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
} from 'node:crypto';
import { oid, sequence, tlv, TAG, derToPem } from '../../pki';

/**
 * PKCS#10 requests built by hand, so that the suites can send what no
 * well-behaved library would make: weak keys and hashes, duplicate or
 * forbidden extensions, odd nesting.
 */

const OID = {
  commonName: '2.5.4.3',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  nameConstraints: '2.5.29.30',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  md5WithRsa: '1.2.840.113549.1.1.4',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
};

export interface RawExtension {
  oid: string;
  critical?: boolean;
  value: Buffer;
}

export interface HandMadeCsr {
  pem: string;
  der: Buffer;
  privateKeyPem: string;
}

export type KeyChoice =
  | { type: 'ec'; curve: 'prime256v1' | 'secp384r1' | 'secp256k1' }
  | { type: 'rsa'; bits: number; exponent?: number };

const keyCache = new Map<string, KeyObject>();

/** Keys are cached per kind: RSA generation is the slow part of a run. */
export function keyFor(choice: KeyChoice): KeyObject {
  const id = JSON.stringify(choice);
  const cached = keyCache.get(id);
  if (cached) return cached;
  const { privateKey } =
    choice.type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: choice.curve })
      : generateKeyPairSync('rsa', {
          modulusLength: choice.bits,
          publicExponent: choice.exponent ?? 65537,
        });
  keyCache.set(id, privateKey);
  return privateKey;
}

export function dnsSan(names: string[]): RawExtension {
  return {
    oid: OID.subjectAltName,
    value: sequence(...names.map(n => tlv(0x82, Buffer.from(n, 'utf8')))),
  };
}

export const CA_TRUE: RawExtension = {
  oid: OID.basicConstraints,
  critical: true,
  value: sequence(tlv(TAG.BOOLEAN, Buffer.from([0xff]))),
};

/** keyCertSign + cRLSign. */
export const CA_KEY_USAGE: RawExtension = {
  oid: OID.keyUsage,
  critical: true,
  value: tlv(TAG.BIT_STRING, Buffer.from([0x01, 0x06])),
};

export const NAME_CONSTRAINTS: RawExtension = {
  oid: OID.nameConstraints,
  critical: true,
  value: sequence(
    tlv(0xa0, sequence(tlv(0x82, Buffer.from('example.com', 'ascii')))),
  ),
};

/** An extension of an unknown OID whose value nests SEQUENCEs `depth` deep. */
export function deeplyNested(depth: number): RawExtension {
  let value = tlv(TAG.SEQUENCE, Buffer.alloc(0));
  for (let i = 1; i < depth; i++) value = sequence(value);
  return { oid: '1.3.6.1.4.1.55555.1', value };
}

function extension(ext: RawExtension): Buffer {
  return sequence(
    oid(ext.oid),
    ...(ext.critical ? [tlv(TAG.BOOLEAN, Buffer.from([0xff]))] : []),
    tlv(TAG.OCTET_STRING, ext.value),
  );
}

/**
 * Builds and signs a CSR. `hash` picks the signature (md5 and sha1 only
 * with RSA); `tamper` flips a byte of the signature afterwards.
 */
export function handMadeCsr(options: {
  commonName: string;
  dnsNames?: string[];
  key?: KeyChoice;
  hash?: 'sha256' | 'sha1' | 'md5';
  extensions?: RawExtension[];
  tamper?: boolean;
}): HandMadeCsr {
  const choice = options.key ?? { type: 'ec', curve: 'prime256v1' };
  const privateKey = keyFor(choice);
  const spki = createPublicKey(privateKey).export({
    type: 'spki',
    format: 'der',
  });
  const subject = sequence(
    tlv(
      TAG.SET,
      sequence(
        oid(OID.commonName),
        tlv(TAG.UTF8_STRING, Buffer.from(options.commonName, 'utf8')),
      ),
    ),
  );
  const extensions = [
    ...(options.dnsNames ? [dnsSan(options.dnsNames)] : []),
    ...(options.extensions ?? []),
  ];
  const attributes = tlv(
    0xa0,
    ...(extensions.length
      ? [
          sequence(
            oid(OID.extensionRequest),
            tlv(TAG.SET, sequence(...extensions.map(extension))),
          ),
        ]
      : []),
  );
  const info = sequence(
    tlv(TAG.INTEGER, Buffer.from([0])),
    subject,
    spki,
    attributes,
  );
  const hash = options.hash ?? 'sha256';
  let algorithm: Buffer;
  if (choice.type === 'ec') {
    algorithm = sequence(oid(OID.ecdsaWithSha256));
  } else {
    const sigOid = {
      sha256: OID.sha256WithRsa,
      sha1: OID.sha1WithRsa,
      md5: OID.md5WithRsa,
    }[hash];
    algorithm = sequence(oid(sigOid), tlv(0x05, Buffer.alloc(0)));
  }
  const signature = sign(
    choice.type === 'ec' ? 'sha256' : hash,
    info,
    privateKey,
  );
  if (options.tamper) signature[signature.length - 5] ^= 0x01;
  const der = sequence(
    info,
    algorithm,
    tlv(TAG.BIT_STRING, Buffer.from([0]), signature),
  );
  return {
    der,
    pem: derToPem(der, 'CERTIFICATE REQUEST'),
    privateKeyPem: privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  };
}

/** A PEM block around arbitrary bytes. */
export function pemOf(der: Buffer, label = 'CERTIFICATE REQUEST'): string {
  return derToPem(der, label);
}
