/*
 * Certificates built byte by byte, for algorithms and parameters no
 * library here generates (OIW and MD2/MD4 signatures, RSASSA-PSS with odd
 * parameters, GOST, SM2, Ed448, explicit EC curves). Test-only.
 */
import { randomBytes } from 'crypto';
import { derToPem } from '../pem';
import {
  bitString,
  octetString,
  oid,
  sequence,
  time,
  tlv,
  TAG,
  unsignedInteger,
} from '../der';

const DAY = 24 * 60 * 60 * 1000;

export function name(cn: string): Buffer {
  return sequence(
    tlv(
      TAG.SET,
      sequence(oid('2.5.4.3'), tlv(TAG.UTF8_STRING, Buffer.from(cn))),
    ),
  );
}

export function extension(id: string, value: Buffer, critical = false): Buffer {
  return sequence(
    oid(id),
    ...(critical ? [tlv(TAG.BOOLEAN, Buffer.from([0xff]))] : []),
    octetString(value),
  );
}

/** AlgorithmIdentifier: an OID and its parameters (none by default). */
export function algorithm(id: string, parameters?: Buffer): Buffer {
  return sequence(oid(id), ...(parameters ? [parameters] : []));
}

export const NULL = Buffer.from([0x05, 0x00]);

export interface HandBuiltOptions {
  signatureAlgorithm: Buffer;
  /** DER SubjectPublicKeyInfo. */
  spki: Buffer;
  subject?: string;
  /** Defaults to the subject (self-issued). */
  issuer?: string;
  serial?: Buffer;
  extensions?: Buffer[];
  notBeforeDays?: number;
  notAfterDays?: number;
  /** Signs the TBSCertificate; random bytes by default. */
  sign?: (tbs: Buffer) => Buffer;
}

/** A v3 certificate as PEM. */
export function handBuiltCertificate(o: HandBuiltOptions): string {
  const now = Date.now();
  const subject = o.subject ?? 'odd.example.com';
  const extensions = [
    extension('2.5.29.17', sequence(tlv(0x82, Buffer.from(subject, 'ascii')))),
    ...(o.extensions ?? []),
  ];
  const tbs = sequence(
    tlv(0xa0, tlv(TAG.INTEGER, Buffer.from([2]))),
    unsignedInteger(o.serial ?? Buffer.from('1234abcd', 'hex')),
    o.signatureAlgorithm,
    name(o.issuer ?? subject),
    sequence(
      time(new Date(now + (o.notBeforeDays ?? -1) * DAY)),
      time(new Date(now + (o.notAfterDays ?? 90) * DAY)),
    ),
    name(subject),
    o.spki,
    tlv(0xa3, sequence(...extensions)),
  );
  const signature = o.sign ? o.sign(tbs) : randomBytes(64);
  return derToPem(
    sequence(tbs, o.signatureAlgorithm, bitString(signature)),
    'CERTIFICATE',
  );
}
