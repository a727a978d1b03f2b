import {
  ChainTrust,
  chainTrustAt,
  PathCertificate,
  pathRuleFailure,
  validityFailure,
} from './pathRules';

const NOW = '2026-06-01T00:00:00.000Z';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function cert(
  name: string,
  more: Partial<PathCertificate> = {},
): PathCertificate {
  return {
    name,
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    signatureAlgorithm: 'ecdsa-with-SHA256',
    selfIssued: false,
    dnsNames: [],
    ipAddresses: [],
    ...more,
  };
}

const leaf = cert('app.example.com', {
  dnsNames: ['app.example.com'],
  ca: false,
});
const inter = cert('Issuing CA', {
  ca: true,
  keyUsage: ['keyCertSign', 'cRLSign'],
});
const root = cert('Root', { ca: true, selfIssued: true });

describe('pathRuleFailure', () => {
  it('accepts a sound path, and a root whose own signature is SHA-1', () => {
    expect(pathRuleFailure([leaf, inter, root])).toBeUndefined();
    expect(
      pathRuleFailure([
        leaf,
        inter,
        { ...root, signatureAlgorithm: 'sha1WithRSAEncryption' },
      ]),
    ).toBeUndefined();
    expect(
      pathRuleFailure([leaf, { ...inter, keyUsage: undefined }, root]),
    ).toBeUndefined();
  });

  it.each<[string, PathCertificate[], RegExp]>([
    [
      'a leaf issuer',
      [leaf, { ...leaf, name: 'Example Leaf' }, root],
      /signed by 'Example Leaf' which is not a CA \(basicConstraints CA:FALSE\)/,
    ],
    [
      'no basicConstraints',
      [leaf, { ...inter, ca: undefined }, root],
      /not a CA \(no basicConstraints extension\)/,
    ],
    [
      'no keyCertSign',
      [leaf, { ...inter, keyUsage: ['cRLSign'] }, root],
      /'Issuing CA' whose keyUsage \(cRLSign\) lacks keyCertSign/,
    ],
    [
      'pathLen 0 with a CA below',
      [leaf, inter, cert('Limited', { ca: true, pathLen: 0 }), root],
      /'Limited' allows 0 CA certificate\(s\) below it \(pathLenConstraint 0\) but the path has 1/,
    ],
    [
      'a clientAuth server certificate',
      [{ ...leaf, extKeyUsage: [CLIENT_AUTH] }, inter, root],
      /not for TLS servers \(extKeyUsage clientAuth without serverAuth\)/,
    ],
    [
      'an intermediate limited to clientAuth',
      [leaf, { ...inter, extKeyUsage: [CLIENT_AUTH] }, root],
      /'Issuing CA' limits the certificates below it to clientAuth/,
    ],
    [
      'a SHA-1 intermediate',
      [leaf, { ...inter, signatureAlgorithm: 'sha1WithRSAEncryption' }, root],
      /'Issuing CA' is signed with sha1WithRSAEncryption, a broken hash/,
    ],
    [
      'an MD5 leaf',
      [{ ...leaf, signatureAlgorithm: 'md5WithRSAEncryption' }, inter, root],
      /'app.example.com' is signed with md5WithRSAEncryption/,
    ],
    [
      'a name outside permitted',
      [leaf, { ...inter, permitted: { dns: ['corp.example'], ip: [] } }, root],
      /names app.example.com, outside what 'Issuing CA' may sign \(nameConstraints permitted corp.example\)/,
    ],
    [
      'an excluded name',
      [leaf, { ...inter, excluded: { dns: ['example.com'], ip: [] } }, root],
      /names app.example.com, which 'Issuing CA' excludes/,
    ],
    [
      'an excluded address',
      [
        { ...leaf, ipAddresses: ['0a010203'] },
        { ...inter, excluded: { dns: [], ip: ['0a000000ff000000'] } },
        root,
      ],
      /names 10.1.2.3, which 'Issuing CA' excludes \(nameConstraints excluded 10.0.0.0\/8\)/,
    ],
  ])('refuses %s', (_, path, reason) => {
    expect(pathRuleFailure(path)).toMatch(reason);
  });

  it('does not count self-issued intermediates against pathLen', () => {
    const limited = cert('Limited', { ca: true, pathLen: 0 });
    const rollover = { ...inter, selfIssued: true };
    expect(pathRuleFailure([leaf, rollover, limited, root])).toBeUndefined();
  });

  it('matches DNS subtrees per RFC 5280', () => {
    const ca = (dns: string[]) => ({ ...inter, permitted: { dns, ip: [] } });
    const at = (name: string, dns: string[]) =>
      pathRuleFailure([{ ...leaf, dnsNames: [name] }, ca(dns), root]);
    expect(at('example.com', ['example.com'])).toBeUndefined();
    expect(at('a.b.EXAMPLE.com', ['example.com'])).toBeUndefined();
    expect(at('badexample.com', ['example.com'])).toBeDefined();
    expect(at('example.com', ['.example.com'])).toBeDefined();
    expect(at('a.example.com', ['.example.com'])).toBeUndefined();
    expect(at('x.other', ['example.com', 'other'])).toBeUndefined();
  });

  it('accepts the server EKU and addresses inside permitted ranges', () => {
    expect(
      pathRuleFailure([
        {
          ...leaf,
          extKeyUsage: [SERVER_AUTH, CLIENT_AUTH],
          ipAddresses: ['c0a80105'],
        },
        {
          ...inter,
          extKeyUsage: [SERVER_AUTH],
          permitted: { dns: ['example.com'], ip: ['c0a80000ffff0000'] },
        },
        root,
      ]),
    ).toBeUndefined();
  });
});

describe('chainTrustAt', () => {
  const trust: ChainTrust = {
    paths: [
      [
        {
          name: 'Issuing CA',
          notBefore: '2026-01-01T00:00:00.000Z',
          notAfter: '2026-07-01T00:00:00.000Z',
        },
        {
          name: 'Root',
          notBefore: '2020-01-01T00:00:00.000Z',
          notAfter: '2040-01-01T00:00:00.000Z',
        },
      ],
    ],
  };

  it('judges the dates at the given instant', () => {
    expect(chainTrustAt(trust, NOW)).toEqual({ trusted: true });
    expect(chainTrustAt(trust, '2026-08-01T00:00:00.000Z')).toEqual({
      trusted: false,
      reason: "'Issuing CA' expired on 2026-07-01",
    });
    expect(validityFailure(trust.paths[0], new Date('2025-12-01'))).toBe(
      "'Issuing CA' is not valid before 2026-01-01",
    );
  });

  it('is trusted while any path is valid, and says why none is', () => {
    const later = {
      name: 'Cross CA',
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2030-01-01T00:00:00.000Z',
    };
    expect(
      chainTrustAt(
        { paths: [...trust.paths, [later]] },
        '2026-08-01T00:00:00.000Z',
      ).trusted,
    ).toBe(true);
    expect(chainTrustAt({ paths: [], failure: 'x' }, NOW)).toEqual({
      trusted: false,
      reason: 'x',
    });
    expect(chainTrustAt({ paths: [] }, NOW).reason).toBe(
      'no path to an approved root',
    );
  });
});
