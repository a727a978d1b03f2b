import { DerElement, readChildren, readElement, TAG } from './der';

/**
 * A PKCS#10 request read straight from its DER (RFC 2986). Reading only the
 * fields the checks need costs a few microseconds, where a generic ASN.1
 * schema parser costs about a millisecond per CSR on the issuance hot path.
 */
export interface ParsedCsr {
  /** The signed bytes: the whole CertificationRequestInfo encoding. */
  info: Buffer;
  /** The subjectPublicKeyInfo encoding. */
  spki: Buffer;
  signatureOid: string;
  signature: Buffer;
  commonNames: string[];
  /** Requested extensions by OID: the extnValue contents. */
  extensions: Map<string, Buffer>;
  /**
   * OIDs requested more than once. `extensions` keeps the last one only, so
   * a name hidden in an earlier copy would go unchecked: the checks refuse these.
   */
  repeatedExtensions: string[];
}

/** One subjectAltName entry, typed as @peculiar/x509 names them. */
export interface CsrGeneralName {
  type: 'dns' | 'email' | 'ip' | 'url' | 'dn' | 'id' | 'other';
  value: string;
}

const OID_COMMON_NAME = '2.5.4.3';
const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const CONTEXT_0_CONSTRUCTED = 0xa0;

export function decodeOid(content: Buffer): string {
  if (!content.length) {
    throw new Error('Empty OID');
  }
  const arcs = [Math.floor(content[0] / 40), content[0] % 40];
  let value = 0;
  for (const byte of content.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

function expect(element: DerElement | undefined, tag: number): DerElement {
  if (!element || element.tag !== tag) {
    throw new Error(`Expected DER tag ${tag}`);
  }
  return element;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_STRING = 0x0c;
const UNIVERSAL_STRING = 0x1c;
const BMP_STRING = 0x1e;

/**
 * A DirectoryString value as text (UTF8, Printable, IA5, Teletex, BMP,
 * Universal). Throws on text that is not what its type says (bad UTF-8, a
 * surrogate, a code point past U+10FFFF): OpenSSL refuses to read a name
 * holding such a value, so the request is not one.
 */
function directoryString(element: DerElement): string {
  const bytes = element.content;
  switch (element.tag) {
    case UTF8_STRING:
      return STRICT_UTF8.decode(bytes);
    case BMP_STRING: {
      // UCS-2, big-endian: no surrogates.
      if (bytes.length % 2) throw new Error('BMPString of an odd length');
      const text = Buffer.from(bytes).swap16().toString('utf16le');
      if (/[\ud800-\udfff]/.test(text)) throw new Error('Surrogate in a BMPString');
      return text;
    }
    case UNIVERSAL_STRING: {
      // UCS-4, big-endian.
      if (bytes.length % 4) throw new Error('UniversalString of a length not a multiple of 4');
      const points: number[] = [];
      for (let i = 0; i < bytes.length; i += 4) {
        const point = bytes.readUInt32BE(i);
        if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) {
          throw new Error('Not a Unicode code point in a UniversalString');
        }
        points.push(point);
      }
      return String.fromCodePoint(...points);
    }
    case 0x14: // TeletexString, read as Latin-1 like most toolkits
      return bytes.toString('latin1');
    default:
      return bytes.toString('utf8');
  }
}

/** The subject's common names; every attribute's text is checked on the way. */
function commonNamesOf(subject: DerElement): string[] {
  const names: string[] = [];
  for (const rdn of readChildren(expect(subject, TAG.SEQUENCE).content)) {
    for (const attribute of readChildren(expect(rdn, TAG.SET).content)) {
      const [type, value] = readChildren(expect(attribute, TAG.SEQUENCE).content);
      const text = value ? directoryString(value) : undefined;
      if (decodeOid(expect(type, TAG.OID).content) === OID_COMMON_NAME && text !== undefined) {
        names.push(text);
      }
    }
  }
  return names;
}

function extensionsOf(attributes: DerElement | undefined, repeated: string[]): Map<string, Buffer> {
  const extensions = new Map<string, Buffer>();
  if (!attributes) {
    return extensions;
  }
  for (const attribute of readChildren(expect(attributes, CONTEXT_0_CONSTRUCTED).content)) {
    const [type, values] = readChildren(expect(attribute, TAG.SEQUENCE).content);
    if (decodeOid(expect(type, TAG.OID).content) !== OID_EXTENSION_REQUEST) {
      continue;
    }
    for (const list of readChildren(expect(values, TAG.SET).content)) {
      for (const extension of readChildren(expect(list, TAG.SEQUENCE).content)) {
        const parts = readChildren(expect(extension, TAG.SEQUENCE).content);
        const id = decodeOid(expect(parts[0], TAG.OID).content);
        const value = expect(parts[parts.length - 1], TAG.OCTET_STRING).content;
        if (extensions.has(id)) repeated.push(id);
        extensions.set(id, value);
      }
    }
  }
  return extensions;
}

/** Reads a DER-encoded PKCS#10 request; throws when it is not one. */
export function parseCsrDer(der: Buffer): ParsedCsr {
  const outer = expect(readElement(der), TAG.SEQUENCE);
  if (outer.raw.length !== der.length) {
    throw new Error('Trailing bytes after the CSR');
  }
  const [info, algorithm, signature] = readChildren(outer.content);
  const [version, subject, spki, attributes] = readChildren(expect(info, TAG.SEQUENCE).content);
  expect(version, TAG.INTEGER);
  expect(spki, TAG.SEQUENCE);
  const signatureBits = expect(signature, TAG.BIT_STRING).content;
  const repeatedExtensions: string[] = [];
  if (signatureBits[0] !== 0) {
    throw new Error('The signature is not a whole number of bytes');
  }
  return {
    info: info.raw,
    spki: spki.raw,
    signatureOid: decodeOid(
      expect(readChildren(expect(algorithm, TAG.SEQUENCE).content)[0], TAG.OID).content,
    ),
    signature: signatureBits.subarray(1),
    commonNames: commonNamesOf(subject),
    extensions: extensionsOf(attributes, repeatedExtensions),
    repeatedExtensions,
  };
}

/** basicConstraints' cA flag (DEFAULT FALSE). */
export function basicConstraintsCa(value: Buffer): boolean {
  const [first] = readChildren(expect(readElement(value), TAG.SEQUENCE).content);
  return first?.tag === TAG.BOOLEAN && first.content[0] !== 0;
}

function formatIp(bytes: Buffer): string {
  if (bytes.length === 4) {
    return [...bytes].join('.');
  }
  if (bytes.length !== 16) {
    return bytes.toString('hex');
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push(bytes.readUInt16BE(i).toString(16));
  }
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) {
    return groups.join(':');
  }
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}

/** The names in a subjectAltName extension value. */
export function subjectAltNames(value: Buffer): CsrGeneralName[] {
  return readChildren(expect(readElement(value), TAG.SEQUENCE).content).map(
    (name): CsrGeneralName => {
      switch (name.tag) {
        case 0x82:
          return { type: 'dns', value: name.content.toString('ascii') };
        case 0x81:
          return { type: 'email', value: name.content.toString('ascii') };
        case 0x86:
          return { type: 'url', value: name.content.toString('ascii') };
        case 0x87:
          return { type: 'ip', value: formatIp(name.content) };
        case 0x88:
          return { type: 'id', value: decodeOid(name.content) };
        case 0xa4:
          return { type: 'dn', value: name.content.toString('hex') };
        default:
          return { type: 'other', value: name.content.toString('hex') };
      }
    },
  );
}
