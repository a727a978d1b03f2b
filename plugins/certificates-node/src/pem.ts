/**
 * PEM text <-> DER bytes, shared by the backend plugin and its modules so
 * that every part reads a PEM block the same way. Node-only (Buffer): the
 * backend's hot paths decode with Buffer's base64 reader, which skips the
 * line breaks an isomorphic decoder would first have to strip.
 */

/** One PEM block: its label (e.g. CERTIFICATE) and its DER. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

/** DER as PEM, base64 in lines of 64 characters. */
export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  const base64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${base64.replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block of a text, in order. */
export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map(m => ({
    label: m[1],
    der: Buffer.from(m[2].replace(/\s+/g, ''), 'base64'),
  }));
}
