import { decodePunycode } from './punycode';
import { dnsNameProblem, normalizeDnsNames, validateNames } from './dnsNames';
import { dns1123LabelProblem, dns1123SubdomainProblem } from './kubernetesNames';

describe('decodePunycode', () => {
  it('decodes RFC 3492 samples and rejects garbage', () => {
    expect(decodePunycode('mnchen-3ya')).toBe('münchen');
    expect(decodePunycode('bcher-kva')).toBe('bücher');
    expect(decodePunycode('wgv71a119e')).toBe('日本語');
    expect(decodePunycode('ihqwcrb4cv8a8dqg056pqjye')).toBe('他们为什么不说中文');
    expect(decodePunycode('99999999999')).toBeUndefined();
    expect(decodePunycode('abc-!')).toBeUndefined();
  });
});

describe('dnsNameProblem', () => {
  it.each([
    'example.com',
    'a.b.example.com',
    'xn--mnchen-3ya.de',
    'a-b.example.com',
    'localhost',
    `${'a'.repeat(63)}.example.com`,
  ])('accepts %s', name => {
    expect(dnsNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['Example.com', /lower-case/],
    ['example.com.', /end with a dot/],
    ['a..example.com', /empty label/],
    ['.example.com', /empty label/],
    [`${'a'.repeat(64)}.example.com`, /longer than 63/],
    [`${'abcdefghi.'.repeat(26)}com`, /longer than 253/],
    ['münchen.de', /non-ASCII.*punycode/],
    ['xn--zzzz-!!.de', /only contain/],
    ['xn--99999999999.de', /not valid punycode/],
    ['xn--abc-.de', /start or end with -/],
    ['xn--a.example.com', /punycode/],
    ['xn--mnchen-3ya-.de', /start or end with -/],
    ['ab--cd.example.com', /positions 3 and 4/],
    ['-a.example.com', /start or end/],
    ['a_b.example.com', /only contain/],
    ['*.example.com', /wildcard names are not allowed/],
    ['example.123', /all digits/],
  ])('rejects %p', (name, reason) => {
    expect(dnsNameProblem(name)).toMatch(reason);
  });

  it('allows one leftmost wildcard, never *.tld', () => {
    expect(dnsNameProblem('*.example.com', { allowWildcard: true })).toBeUndefined();
    expect(dnsNameProblem('*.com', { allowWildcard: true })).toMatch(/two labels/);
    expect(dnsNameProblem('*.*.example.com', { allowWildcard: true })).toMatch(
      /leftmost label, once/,
    );
    expect(dnsNameProblem('a.*.example.com', { allowWildcard: true })).toMatch(/leftmost/);
    expect(dnsNameProblem('f*o.example.com', { allowWildcard: true })).toMatch(/leftmost/);
  });
});

describe('validateNames', () => {
  it('lower-cases and de-duplicates', () => {
    expect(normalizeDnsNames(['A.example.com', 'a.example.com', 'b.example.com'])).toEqual([
      'a.example.com',
      'b.example.com',
    ]);
    expect(validateNames({ dnsNames: ['A.Example.com', 'a.example.com'] })).toEqual([]);
  });

  it('reports per field', () => {
    expect(
      validateNames({ commonName: 'c.example.com', dnsNames: ['a.example.com', 'b..com'] }),
    ).toEqual([
      { field: 'dnsNames[1]', reason: '"b..com" has an empty label' },
      { field: 'commonName', reason: 'the common name must also be one of the DNS names' },
    ]);
    expect(validateNames({ dnsNames: [] })).toEqual([
      { field: 'dnsNames', reason: 'at least one DNS name is required' },
    ]);
  });

  it('caps the number of names and the common name length', () => {
    const many = Array.from({ length: 101 }, (_, i) => `n${i}.example.com`);
    expect(validateNames({ dnsNames: many })[0]).toEqual({
      field: 'dnsNames',
      reason: 'at most 100 DNS names are allowed, got 101',
    });
    const long = `${'a'.repeat(60)}.example.com`;
    expect(validateNames({ commonName: long, dnsNames: [long] })).toEqual([
      { field: 'commonName', reason: 'the common name is longer than 64 bytes' },
    ]);
  });
});

describe('Kubernetes names', () => {
  it('checks DNS-1123 labels and subdomains', () => {
    expect(dns1123LabelProblem('payments')).toBeUndefined();
    expect(dns1123LabelProblem('Payments')).toMatch(/lower-case/);
    expect(dns1123LabelProblem('a.b')).toBeDefined();
    expect(dns1123LabelProblem('a'.repeat(64))).toMatch(/63/);
    expect(dns1123SubdomainProblem('payments-tls.v1')).toBeUndefined();
    expect(dns1123SubdomainProblem('-tls')).toBeDefined();
    expect(dns1123SubdomainProblem('')).toMatch(/empty/);
  });
});
