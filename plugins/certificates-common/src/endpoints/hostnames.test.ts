import {
  certificateCoversHost,
  dnsNameCovers,
  isIpLiteral,
  sameIpAddress,
} from './hostnames';

describe('dnsNameCovers (RFC 6125)', () => {
  it.each([
    ['app.example.com', 'app.example.com', true],
    ['APP.Example.com.', 'app.example.com', true],
    ['app.example.com', 'other.example.com', false],
    ['*.example.com', 'app.example.com', true],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'example.com', false],
    ['*.com', 'example.com', false],
    ['f*.example.com', 'foo.example.com', false],
    ['app.*.example.com', 'app.x.example.com', false],
    ['*.*.example.com', 'a.b.example.com', false],
    ['*.example.com', '.example.com', false],
  ])('%s covers %s: %s', (pattern, host, expected) => {
    expect(dnsNameCovers(pattern, host)).toBe(expected);
  });
});

describe('certificateCoversHost', () => {
  it('matches IP hosts only against IP SANs', () => {
    const cert = { dnsNames: ['127.0.0.1'], ipAddresses: ['::1'] };
    expect(certificateCoversHost(cert, '127.0.0.1')).toBe(false);
    expect(certificateCoversHost(cert, '[0:0:0:0:0:0:0:1]')).toBe(true);
  });

  it('ignores the common name: no SANs cover nothing', () => {
    expect(certificateCoversHost({ dnsNames: [] }, 'app.example.com')).toBe(
      false,
    );
  });

  it('compares IP addresses by value', () => {
    expect(sameIpAddress('::ffff:10.0.0.1', '0:0:0:0:0:ffff:a00:1')).toBe(true);
    expect(sameIpAddress('10.0.0.1', '10.0.0.2')).toBe(false);
    expect(isIpLiteral('app.example.com')).toBe(false);
    expect(isIpLiteral('fe80::1')).toBe(true);
  });
});
