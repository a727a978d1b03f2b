import { Config } from '@backstage/config';
import { X509Certificate } from 'node:crypto';
import { pemBlocks, derToPem } from '../pki';

/**
 * The approved roots: `certificates.trust.approvedRoots` plus the built-in
 * root unless `certificates.trust.includeBuiltinRoot` is false. Discovery
 * judges chains against these; the trust bundle serves them.
 */
export class TrustBundle {
  private constructor(private readonly roots: string[]) {}

  static fromConfig(options: {
    config: Config;
    builtinRootPem?: string;
  }): TrustBundle {
    const configured =
      options.config.getOptionalStringArray('certificates.trust.approvedRoots') ?? [];
    const includeBuiltin =
      options.config.getOptionalBoolean('certificates.trust.includeBuiltinRoot') ??
      true;
    const roots: string[] = [];
    const seen = new Set<string>();
    const add = (text: string, where: string) => {
      const blocks = pemBlocks(text).filter(b => b.label === 'CERTIFICATE');
      if (!blocks.length) {
        throw new Error(`${where} holds no PEM certificate`);
      }
      for (const block of blocks) {
        // Throws on a certificate that does not parse: better at start than silently untrusted.
        const fingerprint = new X509Certificate(block.der).fingerprint256;
        if (!seen.has(fingerprint)) {
          seen.add(fingerprint);
          roots.push(derToPem(block.der));
        }
      }
    };
    configured.forEach((pem, i) => add(pem, `certificates.trust.approvedRoots[${i}]`));
    if (includeBuiltin && options.builtinRootPem) {
      add(options.builtinRootPem, 'the built-in root');
    }
    return new TrustBundle(roots);
  }

  /** Approved roots, one PEM certificate each. */
  async getApprovedRoots(): Promise<string[]> {
    return [...this.roots];
  }

  /** All approved roots as one PEM text. */
  async pem(): Promise<string> {
    return this.roots.join('');
  }
}
