/**
 * A minimal DER encoder and reader: just what signing a leaf certificate
 * needs. Building the TBSCertificate by hand keeps signing on the hot path
 * cheap (the generic ASN.1 schema serialisers cost about a millisecond).
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
} as const;

function encodeLength(length: number): Buffer {
  if (length < 0x80) {
    return Buffer.from([length]);
  }
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) {
    bytes.unshift(n & 0xff);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = content.length === 1 ? content[0] : Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export function sequence(...content: Buffer[]): Buffer {
  return tlv(TAG.SEQUENCE, ...content);
}

/** A non-negative INTEGER from its big-endian magnitude. */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) {
    start++;
  }
  const trimmed = magnitude.subarray(start);
  return tlv(
    TAG.INTEGER,
    trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed,
  );
}

const oidCache = new Map<string, Buffer>();

export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) {
    return cached;
  }
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) {
      chunk.unshift((n & 0x7f) | 0x80);
    }
    bytes.push(...chunk);
  }
  const encoded = tlv(TAG.OID, Buffer.from(bytes));
  oidCache.set(dotted, encoded);
  return encoded;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * UTCTime for 1950 to 2049, GeneralizedTime before and after (RFC 5280
 * 4.1.2.5): a two-digit year reads as 1950-2049, so 1949 must not be one.
 */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(
    date.getUTCHours(),
  )}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) {
    return tlv(TAG.UTC_TIME, Buffer.from(`${pad(year % 100)}${rest}`, 'ascii'));
  }
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(`${year}${rest}`, 'ascii'));
}

export function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  return tlv(TAG.BIT_STRING, Buffer.from([unusedBits]), bytes);
}

export function octetString(bytes: Buffer): Buffer {
  return tlv(TAG.OCTET_STRING, bytes);
}

/** One element read from DER: its tag, its content and the whole encoding. */
export interface DerElement {
  tag: number;
  content: Buffer;
  raw: Buffer;
}

export function readElement(buffer: Buffer, offset = 0): DerElement {
  const tag = buffer[offset];
  let length = buffer[offset + 1];
  let headerLength = 2;
  if (length === undefined || tag === undefined) {
    throw new Error('Truncated DER');
  }
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) {
      throw new Error('Unsupported DER length');
    }
    // Length bytes past the end would read as NaN, an element of no bytes,
    // and readChildren would never move on.
    if (offset + 2 + count > buffer.length) {
      throw new Error('Truncated DER');
    }
    // DER lengths are minimal: OpenSSL refuses a padded one, so a reader
    // that accepted it would pass bytes other parsers call invalid.
    if (buffer[offset + 2] === 0) {
      throw new Error('Non-minimal DER length');
    }
    length = 0;
    for (let i = 0; i < count; i++) {
      length = length * 256 + buffer[offset + 2 + i];
    }
    if (length < 0x80) {
      throw new Error('Non-minimal DER length');
    }
    headerLength += count;
  }
  const end = offset + headerLength + length;
  if (end > buffer.length) {
    throw new Error('Truncated DER');
  }
  return {
    tag,
    content: buffer.subarray(offset + headerLength, end),
    raw: buffer.subarray(offset, end),
  };
}

/** The elements inside a constructed element's content. */
export function readChildren(content: Buffer): DerElement[] {
  const children: DerElement[] = [];
  let offset = 0;
  while (offset < content.length) {
    const child = readElement(content, offset);
    children.push(child);
    offset += child.raw.length;
  }
  return children;
}
