import { X509Certificate } from 'crypto';
import { ChainTrust } from '@kubecerts/backstage-plugin-certificates-common';
import { splitPem } from '../../pki';
import { buildChainTrust, PathNode, pathNode } from '../../pki/path';

/** Where the approved roots come from (config, the built-in CA, …). */
export type ApprovedRootsSource = () => Promise<string[]>;

/** Cached signature verdicts; pairs of fingerprints, so content-addressed. */
const MAX_SIGNATURES = 20_000;

function nodesOf(pems: string[]): PathNode[] {
  const nodes: PathNode[] = [];
  for (const pem of pems.flatMap(splitPem)) {
    try {
      nodes.push(pathNode(new X509Certificate(pem)));
    } catch {
      // A broken configured certificate cannot anchor or link anything.
    }
  }
  return nodes;
}

/** What the store makes of one chain. */
export interface ChainVerdict {
  trust: ChainTrust;
  /** Per certificate of the chain: on an accepted path to a root, or a root. */
  trusted: boolean[];
}

/**
 * The approved roots (the trust anchors a chain must build to) and the
 * known intermediates a chain may omit. Reloaded with `refresh()` (the
 * built-in CA may appear after start).
 */
export class TrustStore {
  private roots: PathNode[] = [];
  private known: PathNode[] = [];
  private fingerprints = new Set<string>();
  private readonly signatures = new Map<string, boolean>();

  private constructor(
    private readonly source: ApprovedRootsSource,
    private readonly intermediates: ApprovedRootsSource,
  ) {}

  static create(options: {
    getApprovedRoots: ApprovedRootsSource;
    /** Intermediates a Secret may leave out (e.g. the built-in issuing CA). */
    getKnownIntermediates?: ApprovedRootsSource;
  }) {
    return new TrustStore(
      options.getApprovedRoots,
      options.getKnownIntermediates ?? (async () => []),
    );
  }

  /** A store with fixed roots, for tests and tools. */
  static fromPems(pems: string[], options: { intermediates?: string[] } = {}) {
    const intermediates = options.intermediates ?? [];
    const store = new TrustStore(
      async () => pems,
      async () => intermediates,
    );
    store.load(pems, intermediates);
    return store;
  }

  async refresh(): Promise<void> {
    const [roots, intermediates] = await Promise.all([
      this.source(),
      this.intermediates(),
    ]);
    this.load(roots, intermediates);
  }

  private load(rootPems: string[], intermediatePems: string[]) {
    this.roots = nodesOf(rootPems);
    this.fingerprints = new Set(this.roots.map(r => r.fingerprint));
    this.known = nodesOf(intermediatePems).filter(
      n => !this.fingerprints.has(n.fingerprint),
    );
  }

  /** Whether any root is known; without roots trust is not judged. */
  get hasRoots(): boolean {
    return this.roots.length > 0;
  }

  /** The root PEMs, for the trust bundle. */
  get rootPems(): string[] {
    return this.roots.map(r => r.x.toString());
  }

  private signedBy(child: PathNode, issuer: PathNode): boolean {
    const key = `${child.fingerprint}|${issuer.fingerprint}`;
    let verdict = this.signatures.get(key);
    if (verdict === undefined) {
      try {
        verdict = child.x.verify(issuer.x.publicKey);
      } catch {
        // A key or signature algorithm node cannot use verifies nothing.
        verdict = false;
      }
      if (this.signatures.size >= MAX_SIGNATURES) this.signatures.clear();
      this.signatures.set(key, verdict);
    }
    return verdict;
  }

  /**
   * The chain's paths to an approved root, judged by every rule but the
   * dates, from nodes already parsed (leaf first).
   */
  judge(chain: PathNode[]): ChainVerdict {
    const seen = new Set<string>();
    const pool = [...chain.slice(1), ...this.known, ...this.roots].filter(
      n => !seen.has(n.fingerprint) && seen.add(n.fingerprint),
    );
    const { trust, onPath } = buildChainTrust(chain[0], {
      pool,
      isRoot: n => this.fingerprints.has(n.fingerprint),
      signedBy: (child, issuer) => this.signedBy(child, issuer),
    });
    return {
      trust,
      trusted: chain.map(
        n => onPath.has(n.fingerprint) || this.fingerprints.has(n.fingerprint),
      ),
    };
  }
}
