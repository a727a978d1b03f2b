import { derToPem, pemBlocks } from './pem';

describe('pem', () => {
  it('round-trips DER through PEM in lines of 64', () => {
    const der = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    const pem = derToPem(der, 'CERTIFICATE REQUEST');
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE REQUEST-----');
    expect(lines[lines.length - 1]).toBe('-----END CERTIFICATE REQUEST-----');
    expect(lines.slice(1, -1).every(l => l.length <= 64)).toBe(true);
    expect(pemBlocks(pem)).toEqual([{ label: 'CERTIFICATE REQUEST', der }]);
  });

  it('reads every block in order, whatever lies between them', () => {
    const a = Buffer.from('first');
    const b = Buffer.from('second');
    const text = `junk\n${derToPem(a)}between\r\n${derToPem(b, 'X509 CRL')}`;
    expect(pemBlocks(text)).toEqual([
      { label: 'CERTIFICATE', der: a },
      { label: 'X509 CRL', der: b },
    ]);
  });

  it('skips a block whose END does not match its BEGIN', () => {
    expect(
      pemBlocks('-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n'),
    ).toEqual([]);
  });
});
