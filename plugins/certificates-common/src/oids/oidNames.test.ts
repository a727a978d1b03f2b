import {
  CURVE_NAMES,
  describeOid,
  EXTENDED_KEY_USAGE_NAMES,
  EXTENSION_NAMES,
  KEY_ALGORITHM_NAMES,
  oidName,
  SIGNATURE_ALGORITHM_NAMES,
} from './oidNames';

describe('oidName', () => {
  it.each([
    ['2.5.29.17', 'subjectAltName'],
    ['2.5.29.19', 'basicConstraints'],
    ['2.5.29.30', 'nameConstraints'],
    ['1.2.840.113549.1.1.11', 'sha256WithRSAEncryption'],
    ['1.2.840.10045.4.3.2', 'ecdsa-with-SHA256'],
    ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption'],
    ['1.2.840.113549.1.1.1', 'rsaEncryption'],
    ['1.2.840.10045.2.1', 'id-ecPublicKey'],
    ['1.2.840.10045.3.1.7', 'prime256v1'],
    ['1.3.132.0.34', 'secp384r1'],
    ['1.3.6.1.5.5.7.3.1', 'serverAuth'],
    ['1.3.6.1.5.5.7.3.2', 'clientAuth'],
    ['1.3.101.112', 'Ed25519'],
    ['2.5.4.3', 'commonName'],
  ])('names %s as %s', (oid, name) => {
    expect(oidName(oid)).toBe(name);
  });

  it.each(['1.2.3.4', '', '2.5.29', 'constructor', '__proto__', 'toString'])(
    'knows nothing of %j',
    oid => {
      expect(oidName(oid)).toBeUndefined();
    },
  );

  it('gives one OID one name across the tables', () => {
    const tables = [
      SIGNATURE_ALGORITHM_NAMES,
      KEY_ALGORITHM_NAMES,
      CURVE_NAMES,
      EXTENDED_KEY_USAGE_NAMES,
      EXTENSION_NAMES,
    ];
    const namesByOid = new Map<string, Set<string>>();
    for (const table of tables) {
      for (const [oid, name] of Object.entries(table)) {
        expect(oid).toMatch(/^[0-2](\.\d+)+$/);
        namesByOid.set(oid, (namesByOid.get(oid) ?? new Set()).add(name));
      }
    }
    const ambiguous = [...namesByOid].filter(([, names]) => names.size > 1);
    expect(ambiguous).toEqual([]);
  });
});

describe('describeOid', () => {
  it('puts the name first and keeps the number', () => {
    expect(describeOid('2.5.29.17')).toBe('subjectAltName (2.5.29.17)');
    expect(describeOid('1.2.840.113549.1.1.5')).toBe(
      'sha1WithRSAEncryption (1.2.840.113549.1.1.5)',
    );
  });

  it('leaves an unknown OID as it is', () => {
    expect(describeOid('1.2.3.4')).toBe('1.2.3.4');
  });
});
