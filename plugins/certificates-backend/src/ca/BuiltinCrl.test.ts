import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { databaseSuite } from '../__testUtils__';
import { readCertificatesSettings } from '../config';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { x509 } from '../pki';
import { BuiltinCa } from './BuiltinCa';
import { leafRequest } from './__testUtils__/leafRequest';

const settings = readCertificatesSettings(
  new ConfigReader({
    backend: { baseUrl: 'http://localhost:7007' },
    certificates: {
      builtinCa: { encryptionKey: 'test-encryption-key-of-at-least-32-chars' },
    },
  }),
).builtinCa;

describe('the built-in CA CRL across replicas', () => {
  const db = databaseSuite();

  db.test(
    'a revocation on one replica is on every replica CRL at once, with the same ETag',
    async ({ knex }) => {
      const clock = { ms: Date.parse('2026-12-07T02:10:00Z') };
      const replica = () =>
        BuiltinCa.create({
          knex,
          settings,
          logger: mockServices.logger.mock(),
          now: () => new Date(clock.ms),
        });
      const a = await replica();
      const b = await replica();
      const { csrPem } = await generateKeyAndCsr({
        keyAlgorithm: 'ECDSA-P256',
        dnsNames: ['r.example.com'],
      });
      const issued = await a.issue(
        leafRequest(csrPem, { requestId: 'r1', dnsNames: ['r.example.com'] }),
      );

      const before = await b.publishedCrl();
      expect((await a.publishedCrl()).etag).toBe(before.etag);
      expect(new x509.X509Crl(before.der).entries).toHaveLength(0);
      // Unchanged state: the cached CRL, not a new signature.
      expect((await b.publishedCrl()).der).toBe(before.der);

      clock.ms += 1_000;
      await a.revoke({
        serialNumber: issued.serialNumber,
        reason: 'keyCompromise',
      });
      const after = await b.publishedCrl();
      expect(after.etag).not.toBe(before.etag);
      expect((await a.publishedCrl()).etag).toBe(after.etag);
      const crl = new x509.X509Crl(after.der);
      expect(crl.entries.map(e => e.serialNumber.toUpperCase())).toEqual([
        issued.serialNumber,
      ]);
      const issuing = new x509.X509Certificate(b.issuingCertificatePem);
      expect(await crl.verify({ publicKey: issuing.publicKey })).toBe(true);

      // An hour later it is signed again (fresh thisUpdate), with a new tag.
      clock.ms += 60 * 60 * 1000;
      const later = await b.publishedCrl();
      expect(later.etag).not.toBe(after.etag);
      expect(new x509.X509Crl(later.der).thisUpdate.getTime()).toBe(
        Math.floor(clock.ms / 1000) * 1000,
      );
    },
  );
});
