import { InputError } from '@backstage/errors';
import {
  RootCandidateFacts,
  TrustRoot,
  TrustRootSource,
} from '@kubecerts/backstage-plugin-certificates-common';
import { createHash, X509Certificate } from 'node:crypto';
import { derToPem, pemBlocks, readCertificateFacts } from '../pki';

/** A certificate read from PEM, with what the root rules need. */
export interface ParsedRoot {
  root: Omit<TrustRoot, 'source' | 'addedAt' | 'addedBy'>;
  facts: RootCandidateFacts;
}

/** Every certificate of a PEM text; 400 when there is none or one does not parse. */
export function parseRoots(text: string, where: string): ParsedRoot[] {
  const blocks = pemBlocks(text).filter(b => b.label === 'CERTIFICATE');
  if (!blocks.length) {
    throw new InputError(`${where} holds no PEM certificate`);
  }
  return blocks.map(block => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block.der);
    } catch (error) {
      throw new InputError(
        `${where} holds a certificate that does not parse: ${
          (error as Error).message
        }`,
      );
    }
    const facts = readCertificateFacts(block.der);
    let selfSigned = false;
    try {
      selfSigned = facts.selfIssued && cert.verify(cert.publicKey);
    } catch {
      // A key node cannot use cannot prove the signature: not self-signed.
    }
    return {
      root: {
        fingerprint: cert.fingerprint256,
        pem: derToPem(block.der),
        subject: cert.subject.replace(/\n/g, ', '),
        notAfter: new Date(cert.validTo).toISOString(),
      },
      facts: {
        isCa: facts.ca === true,
        keyCertSign: (facts.keyUsage ?? []).includes('keyCertSign'),
        selfSigned,
        notBefore: new Date(cert.validFrom).toISOString(),
        notAfter: new Date(cert.validTo).toISOString(),
      },
    };
  });
}

/** The seeded roots of the configuration and the built-in CA. */
export function seededRoots(options: {
  approvedRoots: string[];
  builtinRootPem?: string;
  now: Date;
}): TrustRoot[] {
  const at = options.now.toISOString();
  const seeded = (pem: string, where: string, source: TrustRootSource) =>
    parseRoots(pem, where).map(({ root }) => ({
      ...root,
      source,
      addedAt: at,
      addedBy: source,
    }));
  return [
    ...options.approvedRoots.flatMap((pem, i) =>
      seeded(pem, `certificates.trust.approvedRoots[${i}]`, 'config'),
    ),
    ...(options.builtinRootPem
      ? seeded(options.builtinRootPem, 'the built-in root', 'builtin')
      : []),
  ];
}

/** SHA-256 hex of a bundle's text: what "the same bundle" means everywhere. */
export function bundleHash(pem: string): string {
  return createHash('sha256').update(pem).digest('hex');
}
