import { createHash } from 'crypto';
import { parseTlsData, ParsedTlsData } from './parseTlsData';
import { TrustStore } from './TrustStore';

/**
 * Content-addressed cache of parsed Secret data. The same certificate and
 * key are often copied into many Secrets (a wildcard replicated to every
 * namespace, a shared ingress certificate); they are parsed and verified
 * once. Keys are digests, so no key material is kept; bounded (LRU).
 */
export class ParsedTlsCache {
  private readonly entries = new Map<string, ParsedTlsData>();
  private readonly maxEntries: number;
  hits = 0;
  misses = 0;

  constructor(
    private readonly trust: TrustStore,
    options: { maxEntries?: number } = {},
  ) {
    this.maxEntries = options.maxEntries ?? 2_000;
  }

  parse(data: Record<string, string> | undefined): ParsedTlsData {
    if (this.maxEntries <= 0) return parseTlsData(data, this.trust);
    const digest = createHash('sha256')
      .update(data?.['tls.crt'] ?? '')
      .update('\0')
      .update(data?.['tls.key'] ?? '')
      .digest('base64');
    const cached = this.entries.get(digest);
    if (cached) {
      this.hits++;
      // refresh recency
      this.entries.delete(digest);
      this.entries.set(digest, cached);
      return cached;
    }
    this.misses++;
    const parsed = parseTlsData(data, this.trust);
    this.entries.set(digest, parsed);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return parsed;
  }

  /** Forget everything (the approved roots changed). */
  clear(): void {
    this.entries.clear();
  }
}
