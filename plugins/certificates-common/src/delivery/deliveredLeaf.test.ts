import { deliveredLeafVerdict, DeliveredLeafFacts } from './deliveredLeaf';

const request = {
  commonName: 'pay.example.com',
  dnsNames: ['pay.example.com', 'www.pay.example.com'],
  ipAddresses: [],
  uris: [],
  keyAlgorithm: 'ECDSA-P256' as const,
  createdAt: '2026-12-01T10:00:00.000Z',
};

const leaf: DeliveredLeafFacts = {
  commonName: 'pay.example.com',
  dnsNames: ['www.pay.example.com', 'PAY.example.com'],
  ipAddresses: [],
  uris: [],
  keyAlgorithm: 'ECDSA-P256',
  notBefore: '2026-12-01T10:05:00.000Z',
  certifiesStoredKey: true,
};

describe('deliveredLeafVerdict', () => {
  it('accepts the approved names and key, in any order and case', () => {
    expect(deliveredLeafVerdict(request, leaf)).toEqual({ verdict: 'match' });
  });

  it('accepts a leaf backdated by its issuer, not one issued long before the request', () => {
    expect(
      deliveredLeafVerdict(request, {
        ...leaf,
        notBefore: '2026-12-01T09:00:00Z',
      }),
    ).toEqual({
      verdict: 'match',
    });
    expect(
      deliveredLeafVerdict(request, {
        ...leaf,
        notBefore: '2026-11-01T10:00:00Z',
      }),
    ).toEqual({
      verdict: 'earlier',
    });
  });

  it.each<[string, Partial<DeliveredLeafFacts>, RegExp]>([
    [
      'another DNS name',
      { dnsNames: ['pay.example.com', 'evil.example.com'] },
      /DNS names/,
    ],
    ['a missing DNS name', { dnsNames: ['pay.example.com'] }, /DNS names/],
    ['an extra IP address', { ipAddresses: ['10.0.0.1'] }, /IP addresses/],
    ['an extra URI', { uris: ['spiffe://x'] }, /URIs/],
    ['another common name', { commonName: 'evil.example.com' }, /common name/],
    [
      'another key algorithm',
      { keyAlgorithm: 'RSA-2048' },
      /RSA-2048, not the approved ECDSA-P256/,
    ],
    [
      'a key that is no portal choice',
      { keyAlgorithm: undefined },
      /of another kind/,
    ],
    [
      'a key it does not certify',
      { certifiesStoredKey: false },
      /does not certify/,
    ],
  ])('refuses a leaf with %s', (_, change, reason) => {
    const verdict = deliveredLeafVerdict(request, { ...leaf, ...change });
    expect(verdict.verdict).toBe('mismatch');
    expect((verdict as { reason: string }).reason).toMatch(reason);
  });
});
