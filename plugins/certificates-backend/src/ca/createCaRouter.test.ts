import { X509Certificate } from 'node:crypto';
import {
  createTestCa,
  describeDatabases,
  startCertificatesBackend,
} from '../__testUtils__';
import { BuiltinCa } from './BuiltinCa';
import { pemBlocks, x509 } from '../pki';

describeDatabases('createCaRouter', db => {
  it('serves issuers, the trust bundle and the CRL', async () => {
    const knex = await db.migrated('SQLITE_3');
    const other = await createTestCa(await db.migrated('SQLITE_3'));
    const caCreated = jest.spyOn(BuiltinCa, 'create');
    const backend = await startCertificatesBackend({
      knex,
      certificates: {
        certManagerIssuers: [
          {
            id: 'cm-prod',
            cluster: 'prod',
            name: 'corp-ca',
            kind: 'ClusterIssuer',
          },
        ],
        trust: {
          approvedRoots: [other.rootCertificatePem],
          includeBuiltinRoot: true,
        },
      },
    });
    try {
      const builtinCa = await caCreated.mock.results[0].value;
      caCreated.mockRestore();

      const list = await backend.get('/issuers');
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([
        expect.objectContaining({
          id: 'builtin',
          type: 'builtin',
          deliveries: ['csr', 'secret'],
          supportsRevocation: true,
        }),
        expect.objectContaining({
          id: 'cm-prod',
          type: 'cert-manager',
          cluster: 'prod',
          deliveries: ['cert-manager'],
        }),
      ]);

      // Served without sign-in: clients fetch the bundle and the CRL as they are.
      const bundle = await backend.get('/trust-bundle.pem', 'none');
      expect(bundle.status).toBe(200);
      expect(bundle.headers['content-type']).toMatch(/^text\/plain/);
      const roots = pemBlocks(bundle.text).map(b => new X509Certificate(b.der));
      expect(roots.map(r => r.fingerprint256)).toEqual([
        new X509Certificate(other.rootCertificatePem).fingerprint256,
        new X509Certificate(builtinCa.rootCertificatePem).fingerprint256,
      ]);

      const crl = await backend
        .get('/crl/builtin', 'none')
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(crl.status).toBe(200);
      expect(crl.headers['content-type']).toMatch(/application\/pkix-crl/);
      const parsed = new x509.X509Crl(new Uint8Array(crl.body));
      expect(parsed.issuer).toBe(
        new x509.X509Certificate(builtinCa.issuingCertificatePem).subject,
      );

      const etag = crl.headers.etag;
      expect(etag).toMatch(/^W\/"crl-/);
      const unchanged = await backend
        .get('/crl/builtin', 'none')
        .set('If-None-Match', etag);
      expect(unchanged.status).toBe(304);

      expect((await backend.get('/crl/acme')).status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});
