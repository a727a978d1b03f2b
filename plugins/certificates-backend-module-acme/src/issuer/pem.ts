import { createHash, X509Certificate } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { pemBlocks as allPemBlocks } from '@kubecerts/backstage-plugin-certificates-node';

/** The DER bodies of every PEM block of the given label, in order. */
export function pemBlocks(pem: string, label: string): Buffer[] {
  return allPemBlocks(pem)
    .filter(block => block.label === label)
    .map(block => block.der);
}

/** Each certificate of a PEM chain, re-encoded as a normalised PEM. */
export function splitCertificates(pem: string): string[] {
  return pemBlocks(pem, 'CERTIFICATE').map(der => new X509Certificate(der).toString());
}

export function csrDer(csrPem: string): Buffer {
  const [der] = [
    ...pemBlocks(csrPem, 'CERTIFICATE REQUEST'),
    ...pemBlocks(csrPem, 'NEW CERTIFICATE REQUEST'),
  ];
  if (!der) {
    throw new InputError('The CSR is not a PEM "CERTIFICATE REQUEST"');
  }
  return der;
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Reads one DER TLV at `offset`: where its content starts and where it ends. */
function readTlv(der: Buffer, offset: number) {
  const tag = der[offset];
  let length = der[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n < 1 || n > 4) {
      throw new InputError('The CSR is not valid DER');
    }
    length = 0;
    for (let i = 0; i < n; i++) {
      length = length * 256 + der[offset + 2 + i];
    }
    header += n;
  }
  const end = offset + header + length;
  if (end > der.length || tag === undefined) {
    throw new InputError('The CSR is not valid DER');
  }
  return { tag, start: offset + header, end };
}

/**
 * The SubjectPublicKeyInfo (DER) of a PKCS#10 request:
 * CertificationRequest → CertificationRequestInfo → [version, subject, spki].
 * Used to check that what the CA returned certifies the requester's key.
 */
export function csrPublicKeyDer(der: Buffer): Buffer {
  const request = readTlv(der, 0);
  const info = readTlv(der, request.start);
  const version = readTlv(der, info.start);
  const subject = readTlv(der, version.end);
  const spki = readTlv(der, subject.end);
  if (spki.tag !== 0x30) {
    throw new InputError('The CSR has no public key');
  }
  return der.subarray(subject.end, spki.end);
}
