import { pemBlocks } from '@kubecerts/backstage-plugin-certificates-node';
import { readElement } from './der';

// One PEM reader for the plugin and its modules.
export { derToPem, pemBlocks } from '@kubecerts/backstage-plugin-certificates-node';

const CERTIFICATE_BLOCK =
  /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits a PEM bundle into its certificate blocks, as PEM text. */
export function splitPem(pem: string): string[] {
  return pem.match(CERTIFICATE_BLOCK) ?? [];
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
