import { X509Certificate } from 'crypto';
import { splitPem } from '../../pki';

/** Where the approved roots come from (config, the built-in CA, …). */
export type ApprovedRootsSource = () => Promise<string[]>;

/**
 * The approved roots: the trust anchors a chain must build to. Roots are
 * reloaded with `refresh()` (the built-in CA may appear after start).
 */
export class TrustStore {
  private roots: X509Certificate[] = [];
  private fingerprints = new Set<string>();
  /** Issuer fingerprints already verified for a child fingerprint. */
  private readonly verified = new Map<string, string | null>();

  private constructor(private readonly source: ApprovedRootsSource) {}

  static create(options: { getApprovedRoots: ApprovedRootsSource }) {
    return new TrustStore(options.getApprovedRoots);
  }

  /** A store with fixed roots, for tests and tools. */
  static fromPems(pems: string[]) {
    const store = new TrustStore(async () => pems);
    store.load(pems);
    return store;
  }

  async refresh(): Promise<void> {
    this.load(await this.source());
  }

  private load(pems: string[]) {
    const roots: X509Certificate[] = [];
    for (const pem of pems.flatMap(splitPem)) {
      try {
        roots.push(new X509Certificate(pem));
      } catch {
        // A broken configured root cannot anchor anything; skip it.
      }
    }
    this.roots = roots;
    this.fingerprints = new Set(roots.map(r => r.fingerprint256));
    this.verified.clear();
  }

  /** Whether any root is known; without roots trust is not judged. */
  get hasRoots(): boolean {
    return this.roots.length > 0;
  }

  /** The root PEMs, for the trust bundle. */
  get rootPems(): string[] {
    return this.roots.map(r => r.toString());
  }

  private findIssuer(
    cert: X509Certificate,
    candidates: X509Certificate[],
  ): X509Certificate | undefined {
    const cached = this.verified.get(cert.fingerprint256);
    if (cached !== undefined) {
      return cached === null
        ? undefined
        : candidates.find(c => c.fingerprint256 === cached);
    }
    const issuer = candidates.find(
      c =>
        c.fingerprint256 !== cert.fingerprint256 &&
        cert.checkIssued(c) &&
        cert.verify(c.publicKey),
    );
    // Only signatures by roots are cached: those candidates never change
    // between calls, whereas intermediates come from each Secret.
    if (issuer && this.fingerprints.has(issuer.fingerprint256)) {
      this.verified.set(cert.fingerprint256, issuer.fingerprint256);
    }
    return issuer;
  }

  /**
   * For each certificate of the chain (leaf first): whether it is an approved
   * root or builds, through the chain's other certificates, to one.
   */
  trustOf(chain: X509Certificate[]): boolean[] {
    const memo = new Map<X509Certificate, boolean>();
    const visit = (cert: X509Certificate, depth: number): boolean => {
      const known = memo.get(cert);
      if (known !== undefined) return known;
      memo.set(cert, false);
      let trusted = false;
      if (this.fingerprints.has(cert.fingerprint256)) {
        trusted = true;
      } else if (depth < 10) {
        const root = this.findIssuer(cert, this.roots);
        if (root) {
          trusted = true;
        } else {
          const parent = this.findIssuer(cert, chain);
          trusted = parent ? visit(parent, depth + 1) : false;
        }
      }
      memo.set(cert, trusted);
      return trusted;
    };
    return chain.map(c => visit(c, 0));
  }
}
