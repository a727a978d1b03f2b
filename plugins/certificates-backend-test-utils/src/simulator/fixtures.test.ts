import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
} from 'node:crypto';
import {
  createCsr,
  createLeafCertificate,
  garbageSecret,
  keyMismatchSecret,
  testPki,
  tlsSecret,
} from './fixtures';

const DAY = 24 * 60 * 60 * 1000;
const splitPem = (pem: string) =>
  pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ??
  [];

describe('certificate fixtures', () => {
  it('issues a leaf that chains to the test root through the intermediate', async () => {
    const { root, intermediate } = await testPki();
    const leaf = await createLeafCertificate({
      dnsNames: ['pay.example.com', 'api.pay.example.com'],
    });
    const [leafPem, interPem] = splitPem(leaf.chainPem) as [string, string];
    const cert = new X509Certificate(leafPem);
    expect(splitPem(leaf.chainPem)).toHaveLength(2);
    expect(cert.subjectAltName).toBe(
      'DNS:pay.example.com, DNS:api.pay.example.com',
    );
    expect(
      cert.verify(new X509Certificate(intermediate.certPem).publicKey),
    ).toBe(true);
    expect(
      new X509Certificate(interPem).verify(
        new X509Certificate(root.certPem).publicKey,
      ),
    ).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
  });

  it('honours key type, hash, validity, self-signed, rogue issuer and isCa', async () => {
    const { root, rogue } = await testPki();
    const notBefore = new Date(Date.now() - 10 * DAY);
    const notAfter = new Date(Date.now() + 3 * 365 * DAY);
    const weak = await createLeafCertificate({
      keyType: 'rsa-1024',
      hash: 'SHA-1',
      notBefore,
      notAfter,
    });
    const weakCert = new X509Certificate(weak.certPem);
    expect(weakCert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
    expect(new Date(weakCert.validTo).getTime()).toBeCloseTo(
      notAfter.getTime(),
      -4,
    );
    // ecdsa-with-SHA1 (1.2.840.10045.4.1) signed by the EC intermediate
    expect(
      weakCert.raw.includes(Buffer.from('06072a8648ce3d0401', 'hex')),
    ).toBe(true);

    const p384 = new X509Certificate(
      (await createLeafCertificate({ keyType: 'ec-p384' })).certPem,
    );
    expect(p384.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');

    const self = new X509Certificate(
      (
        await createLeafCertificate({ selfSigned: true, keyType: 'rsa-2048' })
      ).certPem,
    );
    expect(self.subject).toBe(self.issuer);
    expect(self.verify(self.publicKey)).toBe(true);

    const untrusted = await createLeafCertificate({ issuer: 'rogue' });
    const untrustedCert = new X509Certificate(untrusted.certPem);
    expect(
      untrustedCert.verify(new X509Certificate(rogue.certPem).publicKey),
    ).toBe(true);
    expect(
      untrustedCert.verify(new X509Certificate(root.certPem).publicKey),
    ).toBe(false);

    expect(
      new X509Certificate((await createLeafCertificate({ isCa: true })).certPem)
        .ca,
    ).toBe(true);
  });

  it('signs with a caller-provided issuer', async () => {
    const { root } = await testPki();
    const leaf = await createLeafCertificate({ issuer: root });
    expect(splitPem(leaf.chainPem)).toHaveLength(1);
    expect(
      new X509Certificate(leaf.certPem).verify(
        new X509Certificate(root.certPem).publicKey,
      ),
    ).toBe(true);
  });

  it('builds TLS secrets, key-mismatch and garbage secrets', async () => {
    const leaf = await createLeafCertificate();
    const secret = tlsSecret({
      namespace: 'ns',
      name: 'tls',
      labels: { a: 'b' },
      certPem: leaf.chainPem,
      keyPem: leaf.keyPem,
    });
    expect(secret).toMatchObject({
      type: 'kubernetes.io/tls',
      metadata: { namespace: 'ns', name: 'tls', labels: { a: 'b' } },
    });
    expect(Buffer.from(secret.data['tls.crt'], 'base64').toString()).toBe(
      leaf.chainPem,
    );

    const mismatch = await keyMismatchSecret({ namespace: 'ns', name: 'bad' });
    const cert = new X509Certificate(
      Buffer.from(mismatch.data['tls.crt'], 'base64'),
    );
    const key = createPrivateKey(
      Buffer.from(mismatch.data['tls.key'], 'base64'),
    );
    expect(cert.checkPrivateKey(key)).toBe(false);

    const garbage = garbageSecret({ namespace: 'ns', name: 'junk' });
    expect(
      () => new X509Certificate(Buffer.from(garbage.data['tls.crt'], 'base64')),
    ).toThrow();
  });

  it('makes a PKCS#10 CSR matching its key', async () => {
    const { csrPem, keyPem } = await createCsr({
      commonName: 'pay.example.com',
    });
    expect(csrPem).toContain('BEGIN CERTIFICATE REQUEST');
    expect(
      createPublicKey(createPrivateKey(keyPem)).export({ format: 'jwk' }),
    ).toBeDefined();
  });
});
