import { createHash } from 'crypto';
import { parseTlsData, ParsedTlsData } from './parseTlsData';
import { TrustStore } from './TrustStore';

/** A cached parse, and whether it was used since eviction last passed it. */
class Entry {
  used = false;
  constructor(readonly parsed: ParsedTlsData) {}
}

/**
 * Content-addressed cache of parsed Secret data. The same certificate and
 * key are often copied into many Secrets (a wildcard replicated to every
 * namespace, a shared ingress certificate); they are parsed and verified
 * once. Keys are digests, so no key material is kept.
 *
 * Bounded, with second-chance eviction (an approximation of LRU): a hit
 * only marks its entry used, and a miss that overflows the cache evicts the
 * oldest entry not used since it was last passed over, moving used ones to
 * the back. A true LRU moves an entry on every hit (a delete and a set):
 * a scan looks every Secret up, and the map's deleted slots then made V8
 * reallocate its table every few thousand Secrets, some 40 bytes of
 * old-generation garbage per Secret, half of what a scan's old generation
 * grew by.
 */
export class ParsedTlsCache {
  private readonly entries = new Map<string, Entry>();
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
      cached.used = true;
      return cached.parsed;
    }
    this.misses++;
    const parsed = parseTlsData(data, this.trust);
    if (this.entries.size >= this.maxEntries) this.evictOne();
    this.entries.set(digest, new Entry(parsed));
    return parsed;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forget everything (the approved roots changed). */
  clear(): void {
    this.entries.clear();
  }

  private evictOne(): void {
    // Each pass clears a flag, so this ends within size + 1 steps.
    for (;;) {
      const [digest, entry] = this.entries.entries().next().value!;
      this.entries.delete(digest);
      if (!entry.used) return;
      entry.used = false;
      this.entries.set(digest, entry);
    }
  }
}
