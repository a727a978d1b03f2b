import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConflictError } from '@backstage/errors';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createTestCa, describeDatabases } from '../__testUtils__';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { BuiltinCa } from './BuiltinCa';
import { pemBlocks, x509 } from '../pki';
import { readCertificatesSettings } from '../config';
import { leafRequest } from './__testUtils__/leafRequest';

function certificates(chainPem: string): X509Certificate[] {
  return pemBlocks(chainPem).map(b => new X509Certificate(b.der));
}

describeDatabases('BuiltinCa', db => {
  /** A CA on SQLite and a CSR for a.example.com with a `keyAlgorithm` key. */
  async function caAndCsr(keyAlgorithm: 'RSA-2048' | 'ECDSA-P256') {
    const ca = await createTestCa(await db.migrated('SQLITE_3'));
    const { csrPem } = await generateKeyAndCsr({
      keyAlgorithm,
      dnsNames: ['a.example.com'],
    });
    return { ca, csrPem };
  }

  db.test(
    'creates one CA under concurrent first start and keeps keys encrypted',
    async ({ knex }) => {
      const logger = mockServices.logger.mock();
      const [a, b] = await Promise.all([
        createTestCa(knex, { logger }),
        createTestCa(knex, { logger }),
      ]);
      expect(a.rootCertificatePem).toBe(b.rootCertificatePem);
      const rows = await knex('certificates_ca');
      expect(rows).toHaveLength(1);
      expect(rows[0].root_key_encrypted).toMatch(/^v2:[0-9a-f]{16}:/);
      expect(rows[0].issuing_key_encrypted).toMatch(/^v2:[0-9a-f]{16}:/);
      expect(JSON.stringify(rows)).not.toMatch(/PRIVATE KEY/);

      const root = new X509Certificate(a.rootCertificatePem);
      const issuing = new X509Certificate(a.issuingCertificatePem);
      expect(root.ca).toBe(true);
      expect(root.verify(root.publicKey)).toBe(true);
      expect(issuing.ca).toBe(true);
      expect(issuing.verify(root.publicKey)).toBe(true);

      // A restart with another key cannot read the stored CA.
      const other = new ConfigReader({
        backend: { baseUrl: 'http://localhost:7007' },
        certificates: {
          builtinCa: {
            encryptionKey: 'another-encryption-key-of-32-characters',
          },
        },
      });
      await expect(
        BuiltinCa.create({
          knex,
          settings: readCertificatesSettings(other).builtinCa,
          logger,
        }),
      ).rejects.toThrow(/Cannot decrypt/);
    },
  );

  db.test(
    'issues a leaf that chains to the root, once per request id',
    async ({ knex }) => {
      const now = new Date('2026-11-28T12:00:00Z');
      const ca = await createTestCa(knex, { now: () => now });
      const { csrPem } = await generateKeyAndCsr({
        keyAlgorithm: 'ECDSA-P256',
        commonName: 'payments.example.com',
        dnsNames: ['payments.example.com', 'api.payments.example.com'],
      });
      const request = {
        requestId: 'req-1',
        commonName: 'payments.example.com',
        dnsNames: ['payments.example.com', 'api.payments.example.com'],
        ipAddresses: [],
        uris: [],
        validityDays: 30,
        clientAuth: true,
        csrPem,
      };
      const issued = await ca.issue(request);
      const [leaf, issuing, ...rest] = certificates(issued.chainPem);
      expect(rest).toHaveLength(0);
      const root = new X509Certificate(ca.rootCertificatePem);
      expect(leaf.verify(issuing.publicKey)).toBe(true);
      expect(issuing.verify(root.publicKey)).toBe(true);
      expect(leaf.checkIssued(issuing)).toBe(true);
      expect(leaf.ca).toBe(false);
      expect(leaf.subject).toBe('CN=payments.example.com');
      expect(leaf.subjectAltName).toBe(
        'DNS:payments.example.com, DNS:api.payments.example.com',
      );
      expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
      expect(leaf.serialNumber).toBe(issued.serialNumber);
      expect(leaf.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
      const notBefore = new Date(leaf.validFrom).getTime();
      const notAfter = new Date(leaf.validTo).getTime();
      expect(notBefore).toBe(now.getTime() - 5 * 60 * 1000);
      expect(notAfter - notBefore).toBeLessThanOrEqual(30 * 24 * 3600 * 1000);

      const parsed = new x509.X509Certificate(leaf.raw);
      const usages = parsed.getExtension(x509.KeyUsagesExtension)!;
      expect(usages.usages).toBe(x509.KeyUsageFlags.digitalSignature);
      expect(usages.critical).toBe(true);
      expect(parsed.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(
        false,
      );
      expect(
        parsed.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId,
      ).toBe(
        new x509.X509Certificate(issuing.raw).getExtension(
          x509.SubjectKeyIdentifierExtension,
        )?.keyId,
      );
      expect(
        parsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
      ).toMatch(/^[0-9a-f]{40}$/);
      const crlDp = parsed.getExtension(x509.CRLDistributionPointsExtension)!;
      expect(JSON.stringify(crlDp.toTextObject())).toContain(
        'http://localhost:7007/api/certificates/crl/builtin',
      );

      // Same request id again: the same certificate, nothing new stored.
      const again = await ca.issue(request);
      expect(again).toEqual(issued);
      expect(await knex('certificates_ca_issued')).toHaveLength(1);

      // Same request id with another key: refused.
      const other = await generateKeyAndCsr({
        keyAlgorithm: 'ECDSA-P256',
        dnsNames: ['payments.example.com'],
      });
      await expect(
        ca.issue({ ...request, csrPem: other.csrPem }),
      ).rejects.toThrow(ConflictError);
    },
  );

  it('adds keyEncipherment for RSA keys and supports IP SANs', async () => {
    const { ca, csrPem } = await caAndCsr('RSA-2048');
    const issued = await ca.issue(
      leafRequest(csrPem, {
        requestId: 'rsa',
        ipAddresses: ['10.0.0.1', '2001:db8::1'],
      }),
    );
    const [leaf] = certificates(issued.chainPem);
    expect(leaf.subject ?? '').toBe('');
    expect(leaf.subjectAltName).toBe(
      'DNS:a.example.com, IP Address:10.0.0.1, IP Address:2001:DB8:0:0:0:0:0:1',
    );
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const usages = new x509.X509Certificate(leaf.raw).getExtension(
      x509.KeyUsagesExtension,
    )!;
    expect(usages.usages).toBe(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    );
  });

  it('publishes revoked serials in a CRL signed by the issuing CA', async () => {
    const { ca, csrPem } = await caAndCsr('ECDSA-P256');
    const first = await ca.issue(leafRequest(csrPem, { requestId: 'r1' }));
    await ca.issue(leafRequest(csrPem, { requestId: 'r2' }));
    const empty = new x509.X509Crl(await ca.crl());
    expect(empty.entries).toHaveLength(0);

    await ca.revoke({
      serialNumber: first.serialNumber,
      reason: 'keyCompromise',
    });
    const crl = new x509.X509Crl(await ca.crl());
    expect(crl.entries.map(e => e.serialNumber.toUpperCase())).toEqual([
      first.serialNumber,
    ]);
    expect(crl.entries[0].reason).toBe(x509.X509CrlReason.keyCompromise);
    const issuing = new x509.X509Certificate(ca.issuingCertificatePem);
    expect(await crl.verify({ publicKey: issuing.publicKey })).toBe(true);
    await expect(ca.revoke({ serialNumber: 'ABCDEF' })).rejects.toThrow(
      /No certificate/,
    );
  });

  it('generates a development key in the data folder when none is configured', async () => {
    const knex = await db.migrated('SQLITE_3');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'certificates-ca-'));
    const logger = mockServices.logger.mock();
    const devConfig = new ConfigReader({
      backend: { baseUrl: 'http://localhost:7007' },
    });
    const [a, b] = await Promise.all([
      BuiltinCa.create({
        knex,
        settings: readCertificatesSettings(devConfig).builtinCa,
        logger,
        dataDir,
      }),
      BuiltinCa.create({
        knex,
        settings: readCertificatesSettings(devConfig).builtinCa,
        logger,
        dataDir,
      }),
    ]);
    expect(a.rootCertificatePem).toBe(b.rootCertificatePem);
    const keyFile = path.join(dataDir, 'certificates-ca-encryption.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('development key'),
    );
    // A restart reads the same key and the same CA.
    const restarted = await BuiltinCa.create({
      knex,
      settings: readCertificatesSettings(devConfig).builtinCa,
      logger,
      dataDir,
    });
    expect(restarted.rootCertificatePem).toBe(a.rootCertificatePem);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
