import {
  commonNameOf,
  ParsedCertificate,
} from '@kubecerts/backstage-plugin-certificates-common';
import { createHash, X509Certificate } from 'node:crypto';
import { ipAddressBytes, LEAF_SIGNATURE_ALGORITHM, PublicKeyFacts } from '../pki';
import { curveName, keyAlgorithm } from '../inventory/parsing/parseTlsData';

/** What went into a leaf the built-in CA just signed. */
export interface IssuedLeafFacts {
  der: Buffer;
  /** Upper-case hex. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  commonName?: string;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  subjectKey: PublicKeyFacts;
  /** The issuing CA's subject, as `issuerName` formats it. */
  issuer: string;
}

/**
 * Text node prints as is: no escaping in a distinguished name and no
 * quoting in a subjectAltName. Anything else is left to a real parse.
 */
const PLAIN = /^[A-Za-z0-9 ._*@/:?=&%~-]*$/;

/** A distinguished name as node prints it, one attribute per line joined. */
export function issuerName(caCertificatePem: string): string {
  return new X509Certificate(caCertificatePem).subject
    .split('\n')
    .filter(Boolean)
    .join(', ');
}

/** An IP address as node prints it in a subjectAltName. */
function ipText(ip: string): string {
  const bytes = ipAddressBytes(ip);
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push(bytes.readUInt16BE(i).toString(16).toUpperCase());
  }
  return groups.join(':');
}

function seconds(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();
}

/**
 * The leaf's fields exactly as the inventory's parser reads them from the
 * certificate, from what the CA put into it: the inventory need not parse
 * and verify a certificate its own CA built a moment ago. The one hash
 * left is the fingerprint. Undefined when a name holds characters whose
 * printed form a parse would escape or quote (the caller then parses).
 */
export function describeIssuedLeaf(
  facts: IssuedLeafFacts,
): ParsedCertificate | undefined {
  const texts = [
    facts.commonName ?? '',
    ...facts.dnsNames,
    ...facts.uris,
  ];
  if (!texts.every(t => PLAIN.test(t))) return undefined;
  const subject = facts.commonName ? `CN=${facts.commonName}` : '';
  const key = facts.subjectKey;
  return {
    subject,
    commonName: commonNameOf(subject),
    issuer: facts.issuer,
    serialNumber: facts.serialNumber.toLowerCase(),
    notBefore: seconds(facts.notBefore),
    notAfter: seconds(facts.notAfter),
    dnsNames: [...facts.dnsNames],
    ipAddresses: facts.ipAddresses.map(ipText),
    uris: [...facts.uris],
    emails: [],
    keyAlgorithm: keyAlgorithm(key.type),
    keySize: key.modulusLength,
    curve: curveName(key.namedCurve),
    signatureAlgorithm: LEAF_SIGNATURE_ALGORITHM,
    fingerprintSha256: createHash('sha256').update(facts.der).digest('hex'),
    isCA: false,
    selfSigned: false,
  };
}
