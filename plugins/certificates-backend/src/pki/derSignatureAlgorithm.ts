import { SIGNATURE_ALGORITHM_NAMES } from '@kubecerts/backstage-plugin-certificates-common';

/*
 * Node's X509Certificate does not expose the signature algorithm, so this
 * reads the outer `signatureAlgorithm` AlgorithmIdentifier straight from the
 * DER: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, sig }.
 */

interface Tlv {
  tag: number;
  /** Offset of the value. */
  start: number;
  /** Offset just after the value. */
  end: number;
}

function readTlv(der: Uint8Array, offset: number): Tlv {
  if (offset + 2 > der.length) {
    throw new Error('truncated DER');
  }
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) {
      throw new Error('unsupported DER length');
    }
    length = 0;
    for (let i = 0; i < bytes; i++) {
      length = length * 256 + der[start + i];
    }
    start += bytes;
  }
  const end = start + length;
  if (end > der.length) {
    throw new Error('truncated DER');
  }
  return { tag, start, end };
}

function decodeOid(der: Uint8Array, start: number, end: number): string {
  const parts: number[] = [];
  let value = 0;
  for (let i = start; i < end; i++) {
    value = value * 128 + (der[i] & 0x7f);
    if (!(der[i] & 0x80)) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else {
        parts.push(value);
      }
      value = 0;
    }
  }
  return parts.join('.');
}

/** The dotted OID of the certificate's signature algorithm. */
export function readSignatureAlgorithmOid(der: Uint8Array): string {
  const cert = readTlv(der, 0);
  const tbs = readTlv(der, cert.start);
  const algorithm = readTlv(der, tbs.end);
  const oid = readTlv(der, algorithm.start);
  if (
    cert.tag !== 0x30 ||
    tbs.tag !== 0x30 ||
    algorithm.tag !== 0x30 ||
    oid.tag !== 0x06
  ) {
    throw new Error('not an X.509 certificate');
  }
  return decodeOid(der, oid.start, oid.end);
}

/** The conventional name of the signature algorithm, or its OID when unknown. */
export function readSignatureAlgorithm(der: Uint8Array): string {
  const oid = readSignatureAlgorithmOid(der);
  return SIGNATURE_ALGORITHM_NAMES[oid] ?? oid;
}
