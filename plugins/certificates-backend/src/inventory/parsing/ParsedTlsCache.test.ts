import { ParsedTlsCache } from './ParsedTlsCache';
import { TrustStore } from './TrustStore';

/** Secret data the parser rejects cheaply; distinct per `n`. */
const data = (n: number) => ({
  'tls.crt': Buffer.from(`not a certificate ${n}`).toString('base64'),
});

describe('ParsedTlsCache', () => {
  const trust = TrustStore.fromPems([]);

  it('parses the same data once and answers later lookups from the cache', () => {
    const cache = new ParsedTlsCache(trust);
    const first = cache.parse(data(1));
    expect(first.parseError).toMatch(/no PEM certificate/);
    expect(cache.parse(data(1))).toBe(first);
    expect(cache.parse({ ...data(1) })).toBe(first);
    expect([cache.hits, cache.misses]).toEqual([2, 1]);
  });

  it('keys on the key as well as the chain', () => {
    const cache = new ParsedTlsCache(trust);
    const withoutKey = cache.parse(data(1));
    const withKey = cache.parse({ ...data(1), 'tls.key': 'a2V5' });
    expect(withKey).not.toBe(withoutKey);
    expect(cache.misses).toBe(2);
  });

  it('stays within its bound', () => {
    const cache = new ParsedTlsCache(trust, { maxEntries: 3 });
    for (let n = 0; n < 10; n++) cache.parse(data(n));
    expect(cache.size).toBe(3);
    // The three newest are cached, the oldest are not.
    const misses = cache.misses;
    for (const n of [7, 8, 9]) cache.parse(data(n));
    expect(cache.misses).toBe(misses);
    cache.parse(data(0));
    expect(cache.misses).toBe(misses + 1);
  });

  it('gives an entry used since it was added a second chance over an unused one', () => {
    const cache = new ParsedTlsCache(trust, { maxEntries: 3 });
    const hot = cache.parse(data(1));
    cache.parse(data(2));
    cache.parse(data(3));
    expect(cache.parse(data(1))).toBe(hot);
    // Full: adding 4 evicts the oldest unused entry (2), not 1.
    cache.parse(data(4));
    expect(cache.size).toBe(3);
    const misses = cache.misses;
    expect(cache.parse(data(1))).toBe(hot);
    cache.parse(data(3));
    cache.parse(data(4));
    expect(cache.misses).toBe(misses);
    cache.parse(data(2));
    expect(cache.misses).toBe(misses + 1);
  });

  it('evicts even when every entry was used', () => {
    const cache = new ParsedTlsCache(trust, { maxEntries: 2 });
    cache.parse(data(1));
    cache.parse(data(2));
    cache.parse(data(1));
    cache.parse(data(2));
    cache.parse(data(3));
    expect(cache.size).toBe(2);
    const misses = cache.misses;
    cache.parse(data(3));
    expect(cache.misses).toBe(misses);
  });

  it('parses every time when disabled, and forgets everything on clear', () => {
    const off = new ParsedTlsCache(trust, { maxEntries: 0 });
    expect(off.parse(data(1))).not.toBe(off.parse(data(1)));
    expect(off.size).toBe(0);
    const cache = new ParsedTlsCache(trust);
    const first = cache.parse(data(1));
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.parse(data(1))).not.toBe(first);
  });
});
