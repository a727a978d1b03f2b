import {
  HASH_ALGORITHM_NAMES,
  NameSubtrees,
  PathCertificate,
  SIGNATURE_ALGORITHM_NAMES,
} from '@kubecerts/backstage-plugin-certificates-common';
import { decodeOid } from './csrDer';
import { DerElement, readChildren, readElement, TAG } from './der';

/*
 * What node's X509Certificate does not tell: basicConstraints as written
 * (node's `ca` is false for CA:TRUE without keyCertSign), pathLen, keyUsage,
 * name constraints, key identifiers, RSASSA-PSS parameters, explicit EC
 * curves and the key algorithm of a key node cannot load. Read from the DER.
 */

/**
 * The facts of one certificate that path validation and health need: what
 * the path rules read (all but the display name), and what health adds.
 * `selfIssued` compares the names byte for byte; `signatureAlgorithm` is the
 * table name, RSASSA-PSS with its hash, e.g. "rsassaPss (SHA-256)".
 */
export interface CertificateFacts extends Omit<PathCertificate, 'name'> {
  signatureOid: string;
  keyAlgorithmOid: string;
  /** The key's named curve (or other OID parameter), when it has one. */
  keyParameterOid?: string;
  /** An EC key that spells out its curve instead of naming it. */
  explicitCurve: boolean;
  /** Hex. */
  subjectKeyId?: string;
  authorityKeyId?: string;
}

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

const HASH_BYTES: Record<string, number> = {
  MD2: 16,
  MD5: 16,
  'SHA-1': 20,
  'SHA-224': 28,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

// Certificates repeat a few dozen OIDs; decoding each again is most of the read.
const oidMemo = new Map<string, string>();

function oidOf(element: DerElement): string {
  const key = element.content.toString('latin1');
  let dotted = oidMemo.get(key);
  if (dotted === undefined) {
    dotted = decodeOid(element.content);
    if (oidMemo.size < 1_000) oidMemo.set(key, dotted);
  }
  return dotted;
}

/** UTCTime or GeneralizedTime (Z, whole seconds, as RFC 5280 wants) as ISO 8601. */
function time(element: DerElement): string {
  const text = element.content.toString('latin1');
  const full =
    element.tag === 0x17
      ? `${Number(text.slice(0, 2)) >= 50 ? '19' : '20'}${text}`
      : text;
  if (!/^\d{14}Z$/.test(full)) throw new Error(`unreadable time ${text}`);
  return `${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(
    6,
    8,
  )}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}.000Z`;
}

function hashName(algorithmIdentifier: DerElement | undefined): string {
  if (!algorithmIdentifier) return 'SHA-1';
  const oid = oidOf(readChildren(algorithmIdentifier.content)[0]);
  return HASH_ALGORITHM_NAMES[oid] ?? oid;
}

/** RFC 4055 parameters; absent fields default to SHA-1, MGF1-SHA-1, salt 20. */
function pssName(parameters: DerElement | undefined): string {
  const fields = new Map(
    (parameters?.tag === TAG.SEQUENCE
      ? readChildren(parameters.content)
      : []
    ).map(f => [f.tag, readElement(f.content)] as const),
  );
  const hash = hashName(fields.get(0xa0));
  const mgf = fields.get(0xa1);
  const mgfHash = mgf ? hashName(readChildren(mgf.content)[1]) : 'SHA-1';
  const salt = fields.get(0xa2);
  const saltLength = salt ? Number(`0x${salt.content.toString('hex')}`) : 20;
  const trailer = fields.get(0xa3);
  const unusual = [
    mgfHash !== hash ? `MGF1 ${mgfHash}` : '',
    saltLength !== HASH_BYTES[hash] ? `salt ${saltLength}` : '',
    trailer && trailer.content.toString('hex') !== '01' ? 'trailer' : '',
  ].filter(Boolean);
  return `rsassaPss (${[hash, ...unusual].join(', ')})`;
}

function subtrees(element: DerElement | undefined): NameSubtrees | undefined {
  if (!element) return undefined;
  const out: NameSubtrees = { dns: [], ip: [] };
  for (const subtree of readChildren(element.content)) {
    const base = readChildren(subtree.content)[0];
    if (base?.tag === 0x82) out.dns.push(base.content.toString('ascii'));
    if (base?.tag === 0x87) out.ip.push(base.content.toString('hex'));
  }
  return out;
}

function readExtension(facts: CertificateFacts, id: string, value: Buffer) {
  const element = readElement(value);
  switch (id) {
    case '2.5.29.19': {
      const [first, second] = readChildren(element.content);
      facts.ca = first?.tag === TAG.BOOLEAN && first.content[0] !== 0;
      const len = first?.tag === TAG.INTEGER ? first : second;
      if (len?.tag === TAG.INTEGER) {
        facts.pathLen = Number(`0x${len.content.toString('hex') || '0'}`);
      }
      break;
    }
    case '2.5.29.15': {
      const bits = element.content.subarray(1);
      facts.keyUsage = KEY_USAGE_BITS.filter(
        (_, i) => (bits[i >> 3] ?? 0) & (0x80 >> (i & 7)),
      );
      break;
    }
    case '2.5.29.37':
      facts.extKeyUsage = readChildren(element.content).map(oidOf);
      break;
    case '2.5.29.30': {
      const parts = new Map(
        readChildren(element.content).map(e => [e.tag, e] as const),
      );
      facts.permitted = subtrees(parts.get(0xa0));
      facts.excluded = subtrees(parts.get(0xa1));
      break;
    }
    case '2.5.29.14':
      facts.subjectKeyId = element.content.toString('hex');
      break;
    case '2.5.29.35': {
      const keyId = readChildren(element.content).find(e => e.tag === 0x80);
      facts.authorityKeyId = keyId?.content.toString('hex');
      break;
    }
    case '2.5.29.17':
      for (const name of readChildren(element.content)) {
        if (name.tag === 0x82)
          facts.dnsNames.push(name.content.toString('ascii'));
        if (name.tag === 0x87)
          facts.ipAddresses.push(name.content.toString('hex'));
      }
      break;
    default:
  }
}

/** Reads the facts of a DER certificate; throws on a malformed one. */
export function readCertificateFacts(der: Buffer): CertificateFacts {
  const [tbs, signatureAlgorithm] = readChildren(readElement(der).content);
  const fields = readChildren(tbs.content);
  const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  const [, , issuer, validity, subject, spki, ...optional] = rest;
  const [sigOid, sigParams] = readChildren(signatureAlgorithm.content);
  const signatureOid = oidOf(sigOid);
  const [keyAlgorithm] = readChildren(spki.content);
  const [keyOid, keyParams] = readChildren(keyAlgorithm.content);
  const keyAlgorithmOid = oidOf(keyOid);
  const [notBefore, notAfter] = readChildren(validity.content);
  const facts: CertificateFacts = {
    signatureOid,
    signatureAlgorithm:
      signatureOid === RSASSA_PSS
        ? pssName(sigParams)
        : SIGNATURE_ALGORITHM_NAMES[signatureOid] ?? signatureOid,
    keyAlgorithmOid,
    keyParameterOid: keyParams?.tag === TAG.OID ? oidOf(keyParams) : undefined,
    explicitCurve:
      keyAlgorithmOid === EC_PUBLIC_KEY && keyParams?.tag === TAG.SEQUENCE,
    notBefore: time(notBefore),
    notAfter: time(notAfter),
    selfIssued: issuer.raw.equals(subject.raw),
    dnsNames: [],
    ipAddresses: [],
  };
  const extensions = optional.find(e => e.tag === 0xa3);
  if (extensions) {
    for (const ext of readChildren(readElement(extensions.content).content)) {
      const [id, ...others] = readChildren(ext.content);
      const value = others[others.length - 1];
      if (value?.tag === TAG.OCTET_STRING) {
        readExtension(facts, oidOf(id), value.content);
      }
    }
  }
  return facts;
}
