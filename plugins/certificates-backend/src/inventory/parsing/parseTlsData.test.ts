import { X509Certificate } from 'crypto';
import { computeHealth } from '@kubecerts/backstage-plugin-certificates-common';
import { parseTlsData } from './parseTlsData';
import { TrustStore } from './TrustStore';
import {
  LeafOptions,
  makeCa,
  makeCaChain,
  makeLeaf,
  secretData,
  TestIssuer,
} from './testPki';
import { readSignatureAlgorithm } from '../../pki';

describe('parseTlsData', () => {
  let root: TestIssuer;
  let intermediate: TestIssuer;
  let otherRoot: TestIssuer;
  let trust: TrustStore;

  beforeAll(async () => {
    ({ root, issuing: intermediate } = await makeCaChain('Test'));
    otherRoot = await makeCa('Rogue Root');
    trust = TrustStore.fromPems([root.pem]);
  });

  /** A leaf of the intermediate, served with it and its key, as parsed. */
  const parsedLeaf = async (options: Omit<LeafOptions, 'issuer'>) => {
    const leaf = await makeLeaf({ issuer: intermediate, ...options });
    return parseTlsData(
      secretData(leaf.certPem + intermediate.pem, leaf.keyPem),
      trust,
    );
  };

  const kinds = (p: ReturnType<typeof parseTlsData>) =>
    computeHealth(p.leaf, {
      now: new Date(),
      owned: true,
      chainTrusted: p.chainTrusted,
      keyMatches: p.keyMatches,
    });

  it('reads a valid leaf with its chain', async () => {
    const parsed = await parsedLeaf({
      dnsNames: ['a.example.com', 'b.example.com'],
    });
    expect(parsed.parseError).toBeUndefined();
    expect(parsed.leaf).toMatchObject({
      commonName: 'a.example.com',
      subject: 'CN=a.example.com',
      issuer: 'CN=Test Issuing CA',
      dnsNames: ['a.example.com', 'b.example.com'],
      keyAlgorithm: 'EC',
      curve: 'P-256',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      isCA: false,
      selfSigned: false,
    });
    expect(parsed.leaf!.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.chain.map(c => [c.subject, c.trusted])).toEqual([
      ['CN=a.example.com', true],
      ['CN=Test Issuing CA', true],
    ]);
    expect(parsed.chainTrusted).toBe(true);
    expect(parsed.keyMatches).toBe(true);
    expect(parsed.chainPem).toContain('BEGIN CERTIFICATE');
    expect(JSON.stringify(parsed)).not.toContain('PRIVATE KEY');
    expect(kinds(parsed)).toEqual({ status: 'valid', findings: [] });
  });

  it('reads a leaf with an empty subject (names only in the SANs)', async () => {
    const parsed = await parsedLeaf({
      dnsNames: ['nocn.example.com'],
      emptySubject: true,
    });
    expect(parsed.parseError).toBeUndefined();
    expect(parsed.leaf).toMatchObject({
      subject: '',
      dnsNames: ['nocn.example.com'],
      issuer: 'CN=Test Issuing CA',
    });
    expect(parsed.leaf!.commonName).toBeFalsy();
    expect(kinds(parsed)).toEqual({ status: 'valid', findings: [] });
  });

  it('flags a chain that misses its intermediate or builds to another root', async () => {
    const leaf = await makeLeaf({ issuer: intermediate });
    expect(parseTlsData(secretData(leaf.certPem), trust).chainTrusted).toBe(
      false,
    );
    const rogue = await makeLeaf({ issuer: otherRoot });
    const parsed = parseTlsData(
      secretData(rogue.certPem + otherRoot.pem),
      trust,
    );
    expect(parsed.chainTrusted).toBe(false);
    expect(kinds(parsed).findings.map(f => f.kind)).toEqual([
      'untrusted-chain',
    ]);
  });

  it('classifies weak, self-signed, SHA-1, expired and mismatched certificates', async () => {
    const rsa1024 = await makeLeaf({ issuer: intermediate, alg: 'rsa1024' });
    const p1 = parseTlsData(
      secretData(rsa1024.certPem + intermediate.pem),
      trust,
    );
    expect(p1.leaf).toMatchObject({ keyAlgorithm: 'RSA', keySize: 1024 });
    expect(kinds(p1).findings.map(f => f.kind)).toEqual(['weak-key']);

    const selfSigned = await makeLeaf({ alg: 'rsa2048' });
    const p2 = parseTlsData(
      secretData(selfSigned.certPem, selfSigned.keyPem),
      trust,
    );
    expect(p2.leaf).toMatchObject({
      selfSigned: true,
      signatureAlgorithm: 'sha256WithRSAEncryption',
    });
    expect(kinds(p2).findings.map(f => f.kind)).toEqual([
      'self-signed',
      'untrusted-chain',
    ]);

    const sha1 = await makeLeaf({ alg: 'rsa2048', hash: 'SHA-1' });
    const p3 = parseTlsData(secretData(sha1.certPem), trust);
    expect(p3.leaf!.signatureAlgorithm).toBe('sha1WithRSAEncryption');

    const expired = await makeLeaf({
      issuer: intermediate,
      notBeforeDays: -30,
      notAfterDays: -1,
    });
    expect(
      kinds(parseTlsData(secretData(expired.certPem + intermediate.pem), trust))
        .status,
    ).toBe('expired');

    const other = await makeLeaf({ issuer: intermediate });
    const p4 = parseTlsData(
      secretData(expired.certPem + intermediate.pem, other.keyPem),
      trust,
    );
    expect(p4.keyMatches).toBe(false);
    expect(kinds(p4).findings.map(f => f.kind)).toEqual(['key-mismatch']);
    const p5 = parseTlsData(secretData(expired.certPem, 'not a key'), trust);
    expect(p5.keyMatches).toBe(false);
  });

  it('reports garbage as unparseable with the reason', () => {
    expect(parseTlsData(undefined, trust).parseError).toBe(
      'tls.crt is missing or empty',
    );
    expect(parseTlsData(secretData('hello'), trust).parseError).toBe(
      'tls.crt holds no PEM certificate',
    );
    const broken = parseTlsData(
      secretData(
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      ),
      trust,
    );
    expect(broken.parseError).toMatch(/^tls.crt is not a valid certificate/);
    expect(broken.leaf).toBeUndefined();
  });

  it('leaves trust unjudged without roots', async () => {
    const leaf = await makeLeaf({ issuer: intermediate });
    expect(
      parseTlsData(secretData(leaf.certPem), TrustStore.fromPems([]))
        .chainTrusted,
    ).toBeUndefined();
  });

  it('reads signature algorithms from DER', () => {
    expect(readSignatureAlgorithm(new X509Certificate(root.pem).raw)).toBe(
      'ecdsa-with-SHA256',
    );
    expect(() => readSignatureAlgorithm(Buffer.from([0x30, 0x01]))).toThrow();
  });
});
