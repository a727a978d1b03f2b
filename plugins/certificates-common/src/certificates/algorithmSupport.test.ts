import { unsupportedAlgorithmReason } from './algorithmSupport';
import {
  isWeakSignatureAlgorithm,
  weakKeyReason,
  EXPLICIT_CURVE,
} from './keyStrength';
import {
  WEAK_SIGNATURE_ALGORITHM_OIDS,
  SIGNATURE_ALGORITHM_NAMES,
} from '../oids';

const ec = {
  keyAlgorithm: 'EC' as const,
  signatureAlgorithm: 'ecdsa-with-SHA256',
};

describe('unsupportedAlgorithmReason', () => {
  it('accepts what TLS clients verify', () => {
    expect(unsupportedAlgorithmReason(ec)).toBeUndefined();
    expect(
      unsupportedAlgorithmReason({
        keyAlgorithm: 'RSA',
        signatureAlgorithm: 'rsassaPss (SHA-256)',
      }),
    ).toBeUndefined();
    // Weak but understood: weak-signature says so.
    expect(
      unsupportedAlgorithmReason({
        keyAlgorithm: 'RSA',
        signatureAlgorithm: 'sha1WithRSAEncryption',
      }),
    ).toBeUndefined();
  });

  it.each([
    [
      { keyAlgorithm: 'Ed448', signatureAlgorithm: 'Ed448' },
      'the key algorithm Ed448',
    ],
    [
      { keyAlgorithm: 'DSA', signatureAlgorithm: 'dsa-with-SHA256' },
      'the key algorithm DSA',
    ],
    [
      {
        keyAlgorithm: 'unknown',
        keyAlgorithmName: 'GOST R 34.10-2012 (256 bit)',
        signatureAlgorithm: '1.2.643.7.1.1.3.2',
      },
      'the key algorithm GOST R 34.10-2012 (256 bit)',
    ],
    [
      { keyAlgorithm: 'EC', signatureAlgorithm: 'SM2-with-SM3' },
      'the signature algorithm SM2-with-SM3',
    ],
    [
      {
        keyAlgorithm: 'RSA',
        signatureAlgorithm: 'rsassaPss (SHA-256, salt 1)',
      },
      'the signature algorithm rsassaPss (SHA-256, salt 1)',
    ],
  ] as const)('names %j', (cert, reason) => {
    expect(unsupportedAlgorithmReason(cert)).toBe(reason);
  });
});

describe('isWeakSignatureAlgorithm', () => {
  it('knows every weak algorithm by name and by OID', () => {
    for (const oid of WEAK_SIGNATURE_ALGORITHM_OIDS) {
      expect([oid, isWeakSignatureAlgorithm(oid)]).toEqual([oid, true]);
      const name = SIGNATURE_ALGORITHM_NAMES[oid];
      expect([name, isWeakSignatureAlgorithm(name)]).toEqual([name, true]);
    }
  });

  it('judges PSS by its message hash', () => {
    expect(isWeakSignatureAlgorithm('rsassaPss (SHA-1)')).toBe(true);
    expect(isWeakSignatureAlgorithm('rsassaPss (SHA-256, MGF1 SHA-1)')).toBe(
      false,
    );
    expect(isWeakSignatureAlgorithm('sha256WithRSAEncryption')).toBe(false);
    expect(isWeakSignatureAlgorithm('ecdsa-with-SHA512')).toBe(false);
  });
});

describe('weakKeyReason', () => {
  it('calls explicit EC parameters weak, with the reason', () => {
    expect(
      weakKeyReason({ keyAlgorithm: 'EC', curve: EXPLICIT_CURVE }),
    ).toMatch(/explicit curve parameters.*CVE-2020-0601/);
  });
});
