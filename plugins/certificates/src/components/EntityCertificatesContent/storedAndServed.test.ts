import { makeSummary } from '../common/__testUtils__/fakeBackend';
import { endpointHost, pairStoredAndServed } from './storedAndServed';

const secret = (i: number, dnsNames: string[]) =>
  makeSummary(i, { location: 'cluster', dnsNames });
const endpoint = (i: number, name: string) =>
  makeSummary(i, {
    location: 'endpoint',
    cluster: undefined,
    secretName: name,
    dnsNames: [],
  });

describe('pairStoredAndServed', () => {
  it('puts each endpoint beside the stored certificates that cover its host', () => {
    const web = secret(1, ['web.example.com']);
    const wildcard = secret(2, ['*.example.com']);
    const other = secret(3, ['other.example.com']);
    const served = endpoint(4, 'web.example.com:443');
    const deep = endpoint(5, 'a.b.example.com:8443');
    const pairs = pairStoredAndServed([web, wildcard, other, served, deep]);
    expect(
      pairs.map(p => [p.stored?.id, p.served.map(s => s.secretName)]),
    ).toEqual([
      ['cert-1', ['web.example.com:443']],
      ['cert-2', ['web.example.com:443']],
      [undefined, ['a.b.example.com:8443']],
    ]);
  });

  it('shows nothing without endpoints, and leaves gone rows out', () => {
    expect(pairStoredAndServed([secret(1, ['web.example.com'])])).toEqual([]);
    expect(
      pairStoredAndServed([
        { ...endpoint(2, 'web.example.com:443'), goneAt: '2026-01-01' },
      ]),
    ).toEqual([]);
  });

  it('reads hosts of IPv6 endpoints', () => {
    expect(endpointHost({ secretName: '[::1]:443' })).toBe('::1');
    expect(endpointHost({ secretName: 'web.example.com:443' })).toBe(
      'web.example.com',
    );
  });
});
