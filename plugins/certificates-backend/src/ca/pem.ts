import { readElement } from './der';

export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  const base64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${base64.replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block of a text, in order. */
export function pemBlocks(text: string): Array<{ label: string; der: Buffer }> {
  return [...text.matchAll(PEM_BLOCK)].map(m => ({
    label: m[1],
    der: Buffer.from(m[2].replace(/\s+/g, ''), 'base64'),
  }));
}

/** DER SubjectPublicKeyInfo of a PKCS#10 CSR (PEM), without checking it. */
export function csrSubjectPublicKeyInfo(csrPem: string): Buffer {
  const block = pemBlocks(csrPem).find(b => b.label === 'CERTIFICATE REQUEST');
  if (!block) {
    throw new Error('No CERTIFICATE REQUEST block');
  }
  // CertificationRequest ::= SEQUENCE { info SEQUENCE { version, subject, spki, ... }, ... }
  const request = readElement(block.der);
  const info = readElement(request.content);
  let offset = 0;
  let element = readElement(info.content, offset);
  for (let i = 0; i < 2; i++) {
    offset += element.raw.length;
    element = readElement(info.content, offset);
  }
  return Buffer.from(element.raw);
}
