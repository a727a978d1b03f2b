import { createHash, KeyObject, sign } from 'node:crypto';
import { pooledRandomBytes } from '../service/randomBytes';
import { isIPv4, isIPv6 } from 'node:net';
import {
  bitString,
  octetString,
  oid,
  readChildren,
  readElement,
  sequence,
  TAG,
  time,
  tlv,
  unsignedInteger,
} from './der';
import { PublicKeyFacts, publicKeyFacts } from './spki';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

/** What goes into one leaf certificate. */
export interface LeafParams {
  /** DER SubjectPublicKeyInfo of the subject's key (from its CSR). */
  subjectPublicKeyInfo: Buffer;
  commonName?: string;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  notBefore: Date;
  notAfter: Date;
  clientAuth: boolean;
}

export interface SignedLeaf {
  der: Buffer;
  /** Upper-case hex, as node's X509Certificate reports it. */
  serialNumber: string;
  /** The certified key's type and size. */
  subjectKey: PublicKeyFacts;
}

/** The signature algorithm of every leaf, as the inventory names it. */
export const LEAF_SIGNATURE_ALGORITHM = 'ecdsa-with-SHA256';

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(oid(id), tlv(TAG.BOOLEAN, Buffer.from([0xff])), octetString(value))
    : sequence(oid(id), octetString(value));
}

export function ipAddressBytes(ip: string): Buffer {
  if (isIPv4(ip)) {
    return Buffer.from(ip.split('.').map(Number));
  }
  if (!isIPv6(ip)) {
    throw new Error(`Not an IP address: ${ip}`);
  }
  let text = ip;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail.push(...v4[1].split('.').map(Number));
    text = `${text.slice(0, -v4[1].length)}0:0`;
  }
  const [head, rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = [
    ...left,
    ...Array(8 - left.length - right.length).fill('0'),
    ...right,
  ].map(g => parseInt(g, 16));
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  if (tail.length) {
    Buffer.from(tail).copy(bytes, 12);
  }
  return bytes;
}

/** A positive serial number of 128 random bits (RFC 5280 allows 20 octets). */
export function randomSerial(): Buffer {
  const serial = pooledRandomBytes(16);
  serial[0] &= 0x7f;
  serial[0] |= 0x01;
  return serial;
}

/**
 * Signs leaf certificates for one issuing CA with ECDSA P-256 / SHA-256.
 * Everything that does not change per certificate is encoded once.
 */
export class LeafSigner {
  private readonly signatureAlgorithm = sequence(oid(OID.ecdsaWithSha256));
  private readonly version = tlv(0xa0, unsignedInteger(Buffer.from([2])));
  private readonly basicConstraints = extension(
    OID.basicConstraints,
    true,
    sequence(),
  );
  private readonly authorityKeyIdentifier: Buffer;
  private readonly crlDistributionPoints: Buffer;

  private constructor(
    private readonly issuerName: Buffer,
    authorityKeyId: Buffer,
    crlUrl: string,
    private readonly signingKey: KeyObject,
  ) {
    this.authorityKeyIdentifier = extension(
      OID.authorityKeyIdentifier,
      false,
      sequence(tlv(0x80, authorityKeyId)),
    );
    this.crlDistributionPoints = extension(
      OID.crlDistributionPoints,
      false,
      sequence(
        sequence(tlv(0xa0, tlv(0xa0, tlv(0x86, Buffer.from(crlUrl, 'ascii'))))),
      ),
    );
  }

  static create(options: {
    /** DER of the issuing CA certificate. */
    issuerCertificate: Buffer;
    /** Key identifier of the issuing CA (its SubjectKeyIdentifier). */
    issuerKeyId: Buffer;
    signingKey: KeyObject;
    crlUrl: string;
  }): LeafSigner {
    const certificate = readChildren(readElement(options.issuerCertificate).content);
    const tbs = readChildren(certificate[0].content);
    // TBSCertificate: [0] version, serial, signature, issuer, validity, subject, ...
    const subject = tbs[0].tag === 0xa0 ? tbs[5] : tbs[4];
    return new LeafSigner(
      Buffer.from(subject.raw),
      options.issuerKeyId,
      options.crlUrl,
      options.signingKey,
    );
  }

  sign(params: LeafParams): SignedLeaf {
    const serial = randomSerial();
    const spki = params.subjectPublicKeyInfo;
    const spkiChildren = readChildren(readElement(spki).content);
    // Key identifier method 1 of RFC 5280: SHA-1 of the subjectPublicKey bits.
    const keyId = createHash('sha1')
      .update(spkiChildren[1].content.subarray(1))
      .digest();
    const subjectKey = publicKeyFacts(spki);
    const isRsa = subjectKey.type === 'rsa';

    const subject = params.commonName
      ? sequence(
          tlv(
            TAG.SET,
            sequence(
              oid(OID.commonName),
              tlv(TAG.UTF8_STRING, Buffer.from(params.commonName, 'utf8')),
            ),
          ),
        )
      : sequence();

    const generalNames = [
      ...params.dnsNames.map(n => tlv(0x82, Buffer.from(n, 'ascii'))),
      ...params.ipAddresses.map(ip => tlv(0x87, ipAddressBytes(ip))),
      ...params.uris.map(u => tlv(0x86, Buffer.from(u, 'ascii'))),
    ];
    const extensions = [
      this.basicConstraints,
      extension(
        OID.keyUsage,
        true,
        isRsa
          ? bitString(Buffer.from([0xa0]), 5)
          : bitString(Buffer.from([0x80]), 7),
      ),
      extension(
        OID.extKeyUsage,
        false,
        params.clientAuth
          ? sequence(oid(OID.serverAuth), oid(OID.clientAuth))
          : sequence(oid(OID.serverAuth)),
      ),
      extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
      this.authorityKeyIdentifier,
      // Without a subject the SAN extension must be critical (RFC 5280 4.2.1.6).
      extension(OID.subjectAltName, !params.commonName, sequence(...generalNames)),
      this.crlDistributionPoints,
    ];

    const tbs = sequence(
      this.version,
      unsignedInteger(serial),
      this.signatureAlgorithm,
      this.issuerName,
      sequence(time(params.notBefore), time(params.notAfter)),
      subject,
      spki,
      tlv(0xa3, sequence(...extensions)),
    );
    const signature = sign('sha256', tbs, {
      key: this.signingKey,
      dsaEncoding: 'der',
    });
    return {
      der: sequence(tbs, this.signatureAlgorithm, bitString(signature)),
      serialNumber: serial.toString('hex').toUpperCase(),
      subjectKey,
    };
  }
}
