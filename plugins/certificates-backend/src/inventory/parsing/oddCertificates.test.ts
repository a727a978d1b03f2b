import { execFileSync } from 'child_process';
import { generateKeyPairSync, KeyObject, sign, X509Certificate } from 'crypto';
import {
  computeHealth,
  WEAK_SIGNATURE_ALGORITHM_OIDS,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  bitString,
  octetString,
  oid,
  sequence,
  tlv,
  TAG,
  unsignedInteger,
  x509,
} from '../../pki';
import { hasOpenssl, issue } from '../../pki/path/__testUtils__/chainPki';
import {
  algorithm,
  extension,
  handBuiltCertificate,
  NULL,
} from '../../pki/__testUtils__/handBuiltCertificate';
import { parseTlsData } from './parseTlsData';
import { TrustStore } from './TrustStore';
import { secretData } from './testPki';

const noRoots = TrustStore.fromPems([]);

function read(pem: string) {
  const parsed = parseTlsData(secretData(pem), noRoots);
  const verdict = computeHealth(parsed.leaf, { now: new Date(), owned: true });
  return {
    parsed,
    leaf: parsed.leaf!,
    verdict,
    kinds: verdict.findings.map(f => f.kind),
  };
}

function spkiOf(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' }) as Buffer;
}

/** Runs `check` on what `openssl x509 -text` says; skipped without the binary. */
function withOpenssl(pem: string, check: (text: string) => void): void {
  if (!hasOpenssl()) {
    // eslint-disable-next-line no-console
    console.warn('openssl binary missing: comparison with OpenSSL skipped');
    return;
  }
  check(
    execFileSync('openssl', ['x509', '-noout', '-text'], {
      input: pem,
    }).toString(),
  );
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const hash = (id: string) => sequence(oid(id), NULL);
const mgf1 = (id: string) => sequence(oid('1.2.840.113549.1.1.8'), hash(id));
const SHA1 = '1.3.14.3.2.26';
const SHA256 = '2.16.840.1.101.3.4.2.1';

function pss(fields: { hash?: string; mgf?: string; salt?: number }): Buffer {
  return algorithm(
    '1.2.840.113549.1.1.10',
    sequence(
      ...(fields.hash ? [tlv(0xa0, hash(fields.hash))] : []),
      ...(fields.mgf ? [tlv(0xa1, mgf1(fields.mgf))] : []),
      ...(fields.salt !== undefined
        ? [tlv(0xa2, unsignedInteger(Buffer.from([fields.salt])))]
        : []),
    ),
  );
}

describe('odd certificates', () => {
  it.each(WEAK_SIGNATURE_ALGORITHM_OIDS.map(id => [id]))(
    'reports %s as a weak signature, by name',
    id => {
      const pem = handBuiltCertificate({
        signatureAlgorithm: algorithm(id, NULL),
        spki: spkiOf(rsa.publicKey),
      });
      const { leaf, verdict } = read(pem);
      expect(leaf.signatureAlgorithm).not.toMatch(/^\d+(\.\d+)+$/);
      const weak = verdict.findings.find(f => f.kind === 'weak-signature');
      expect(weak?.message).toContain(`signed with ${leaf.signatureAlgorithm}`);
      withOpenssl(pem, text => {
        const named = /Signature Algorithm: (\S+)/.exec(text)![1];
        // OpenSSL names the same algorithm (its short and long names differ in case only).
        expect(named.toLowerCase()).toBe(leaf.signatureAlgorithm.toLowerCase());
      });
    },
  );

  it.each([
    [
      'default parameters (SHA-1)',
      pss({}),
      'rsassaPss (SHA-1)',
      ['weak-signature'],
    ],
    [
      'SHA-1',
      pss({ hash: SHA1, mgf: SHA1, salt: 20 }),
      'rsassaPss (SHA-1)',
      ['weak-signature'],
    ],
    [
      'SHA-256',
      pss({ hash: SHA256, mgf: SHA256, salt: 32 }),
      'rsassaPss (SHA-256)',
      [],
    ],
    [
      'SHA-256 with an MGF1 of SHA-1',
      pss({ hash: SHA256, mgf: SHA1, salt: 32 }),
      'rsassaPss (SHA-256, MGF1 SHA-1)',
      ['unsupported-algorithm'],
    ],
  ] as const)(
    'reads RSASSA-PSS with %s',
    (_, signatureAlgorithm, name, kinds) => {
      const pem = handBuiltCertificate({
        signatureAlgorithm,
        spki: spkiOf(rsa.publicKey),
      });
      const { leaf, kinds: found } = read(pem);
      expect(leaf.signatureAlgorithm).toBe(name);
      expect(found).toEqual(kinds);
      withOpenssl(pem, text => {
        const hashName = /Hash Algorithm: (\S+)/.exec(text)![1];
        expect(name.toLowerCase().replace('-', '')).toContain(hashName);
      });
    },
  );

  it('reports a CA certificate by basicConstraints, keyCertSign or not', async () => {
    const ca = await issue({
      name: 'ca-without-certsign.example.com',
      ca: true,
      keyUsage: x509.KeyUsageFlags.digitalSignature,
      dnsNames: ['ca-without-certsign.example.com'],
    });
    expect(new X509Certificate(ca.pem).ca).toBe(false);
    const { leaf, kinds } = read(ca.pem);
    expect(leaf.isCA).toBe(true);
    expect(kinds).toContain('is-ca');
  });

  it('calls an EC key with explicit curve parameters weak', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = key.publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x!, 'base64url'),
      Buffer.from(jwk.y!, 'base64url'),
    ]);
    const int = (h: string) => unsignedInteger(Buffer.from(h, 'hex'));
    const octets = (h: string) => tlv(TAG.OCTET_STRING, Buffer.from(h, 'hex'));
    const p256 = sequence(
      tlv(TAG.INTEGER, Buffer.from([1])),
      sequence(
        oid('1.2.840.10045.1.1'),
        int('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff'),
      ),
      sequence(
        octets(
          'ffffffff00000001000000000000000000000000fffffffffffffffffffffffc',
        ),
        octets(
          '5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b',
        ),
      ),
      octets(
        '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
      ),
      int('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
      tlv(TAG.INTEGER, Buffer.from([1])),
    );
    const pem = handBuiltCertificate({
      signatureAlgorithm: algorithm('1.2.840.10045.4.3.2'),
      spki: sequence(algorithm('1.2.840.10045.2.1', p256), bitString(point)),
      sign: tbs => sign('sha256', tbs, key.privateKey),
    });
    const { verdict } = read(pem);
    const weak = verdict.findings.find(f => f.kind === 'weak-key');
    expect(weak?.message).toMatch(/explicit curve parameters.*CVE-2020-0601/);
    withOpenssl(pem, text =>
      expect(text).toMatch(/Prime:|Field Type: prime-field/),
    );
  });

  const gostSpki = sequence(
    algorithm(
      '1.2.643.7.1.1.1.1',
      sequence(oid('1.2.643.7.1.2.1.1.1'), oid('1.2.643.7.1.1.2.2')),
    ),
    bitString(octetString(Buffer.alloc(64, 7))),
  );
  const keyId = Buffer.from('00112233445566778899aabbccddeeff00112233', 'hex');
  const ids = [
    extension('2.5.29.14', octetString(keyId)),
    extension('2.5.29.35', sequence(tlv(0x80, keyId))),
  ];

  it('decides self-signed by names and key identifiers when the signature cannot be checked', () => {
    const pem = handBuiltCertificate({
      signatureAlgorithm: algorithm('1.2.643.7.1.1.3.2'),
      spki: gostSpki,
      extensions: ids,
    });
    const { leaf, verdict } = read(pem);
    expect(leaf).toMatchObject({
      selfSigned: true,
      selfSignedBy: 'names-and-key-id',
    });
    expect(
      verdict.findings.find(f => f.kind === 'self-signed')?.message,
    ).toMatch(/key identifiers match; the signature could not be checked/);
    const other = handBuiltCertificate({
      signatureAlgorithm: algorithm('1.2.643.7.1.1.3.2'),
      spki: gostSpki,
      issuer: 'Some GOST CA',
      extensions: ids,
    });
    expect(read(other).leaf.selfSigned).toBe(false);
    // A verifiable signature decides by the signature.
    const ed = generateKeyPairSync('ed25519');
    const byKey = handBuiltCertificate({
      signatureAlgorithm: algorithm('1.3.101.112'),
      spki: spkiOf(ed.publicKey),
      sign: tbs => sign(null, tbs, ed.privateKey),
    });
    expect(read(byKey).leaf).toMatchObject({
      selfSigned: true,
      selfSignedBy: 'signature',
    });
  });

  const ed448 = generateKeyPairSync('ed448');
  const sm2 = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const dsa = generateKeyPairSync('dsa', {
    modulusLength: 2048,
    divisorLength: 256,
  });
  it.each([
    [
      'Ed448',
      algorithm('1.3.101.113'),
      spkiOf(ed448.publicKey),
      (t: Buffer) => sign(null, t, ed448.privateKey),
      'Ed448',
    ],
    [
      'GOST',
      algorithm('1.2.643.7.1.1.3.2'),
      gostSpki,
      undefined,
      'GOST R 34.10-2012 (256 bit)',
    ],
    [
      'SM2',
      algorithm('1.2.156.10197.1.501'),
      spkiOf(sm2.publicKey),
      undefined,
      'SM2',
    ],
    [
      'DSA',
      algorithm('2.16.840.1.101.3.4.3.2'),
      spkiOf(dsa.publicKey),
      (t: Buffer) => sign('sha256', t, dsa.privateKey),
      'DSA',
    ],
    [
      'RSA-PSS with a 1-byte salt',
      pss({ hash: SHA256, mgf: SHA256, salt: 1 }),
      spkiOf(rsa.publicKey),
      undefined,
      'salt 1',
    ],
  ] as const)(
    'reads a %s certificate and reports it unsupported, not unparseable',
    (_, signatureAlgorithm, spki, signer, named) => {
      const pem = handBuiltCertificate({
        signatureAlgorithm,
        spki,
        sign: signer,
        subject: 'odd.example.com',
        issuer: 'Odd CA',
        serial: Buffer.from('0badc0de', 'hex'),
        notBeforeDays: -10,
        notAfterDays: 80,
      });
      const { parsed, leaf, verdict } = read(pem);
      expect(parsed.parseError).toBeUndefined();
      expect(leaf).toMatchObject({
        subject: 'CN=odd.example.com',
        issuer: 'CN=Odd CA',
        serialNumber: '0badc0de',
        dnsNames: ['odd.example.com'],
      });
      expect(verdict.status).toBe('valid');
      const unsupported = verdict.findings.find(
        f => f.kind === 'unsupported-algorithm',
      );
      expect(unsupported?.message).toContain(named);
      expect(unsupported?.message).not.toMatch(/ \d+\.\d+\.\d+/);
      withOpenssl(pem, text => {
        expect(text).toContain('Subject: CN = odd.example.com');
        expect(text).toContain('Issuer: CN = Odd CA');
        expect(text).toMatch(
          /Serial Number: 195936478 \(0xbadc0de\)|0b:ad:c0:de/,
        );
        const notAfter = /Not After : (.+)/.exec(text)![1];
        expect(new Date(notAfter).toISOString()).toBe(leaf.notAfter);
      });
    },
  );
});
