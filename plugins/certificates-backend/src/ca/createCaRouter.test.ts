import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import { X509Certificate } from 'node:crypto';
import request from 'supertest';
import { applyDatabaseMigrations } from '../database';
import { IssuerRegistry } from '../issuing';
import { BuiltinCa } from './BuiltinCa';
import { createCaRouter } from './createCaRouter';
import { pemBlocks, x509 } from '../pki';
import { TrustBundle } from './TrustBundle';
import knexFactory from 'knex';

describe('createCaRouter', () => {
  it('serves issuers, the trust bundle and the CRL', async () => {
    const knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
    await applyDatabaseMigrations({ knex });
    const config = new ConfigReader({
      backend: { baseUrl: 'http://localhost:7007' },
      certificates: {
        builtinCa: { encryptionKey: 'test-encryption-key-of-at-least-32-chars' },
        certManagerIssuers: [{ id: 'cm-prod', cluster: 'prod', name: 'corp-ca', kind: 'ClusterIssuer' }],
      },
    });
    const builtinCa = await BuiltinCa.create({ knex, config, logger: mockServices.logger.mock() });
    const otherKnex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
    await applyDatabaseMigrations({ knex: otherKnex });
    const other = await BuiltinCa.create({
      knex: otherKnex,
      config,
      logger: mockServices.logger.mock(),
    });
    const issuers = IssuerRegistry.create({
      issuers: [builtinCa],
      certManagerIssuers: IssuerRegistry.readCertManagerIssuers(config),
    });
    const trustBundle = TrustBundle.fromConfig({
      config: new ConfigReader({ certificates: { trust: { approvedRoots: [other.rootCertificatePem] } } }),
      builtinRootPem: builtinCa.rootCertificatePem,
    });
    const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
    expect((await trustBundle.getApprovedRoots()).map(fingerprint)).toEqual([
      fingerprint(other.rootCertificatePem),
      fingerprint(builtinCa.rootCertificatePem),
    ]);
    const app = express();
    app.use(createCaRouter({ httpAuth: mockServices.httpAuth(), issuers, builtinCa, trustBundle }));
    app.use(mockErrorHandler());

    const list = await request(app).get('/issuers');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: 'builtin', type: 'builtin', deliveries: ['csr', 'secret'], supportsRevocation: true }),
      expect.objectContaining({ id: 'cm-prod', type: 'cert-manager', cluster: 'prod', deliveries: ['cert-manager'] }),
    ]);

    const bundle = await request(app).get('/trust-bundle.pem');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/^text\/plain/);
    const roots = pemBlocks(bundle.text).map(b => new X509Certificate(b.der));
    expect(roots.map(r => r.fingerprint256)).toEqual([
      new X509Certificate(other.rootCertificatePem).fingerprint256,
      new X509Certificate(builtinCa.rootCertificatePem).fingerprint256,
    ]);

    const crl = await request(app).get('/crl/builtin').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(crl.status).toBe(200);
    expect(crl.headers['content-type']).toMatch(/application\/pkix-crl/);
    const parsed = new x509.X509Crl(new Uint8Array(crl.body));
    expect(parsed.issuer).toBe(new x509.X509Certificate(builtinCa.issuingCertificatePem).subject);

    expect((await request(app).get('/crl/acme')).status).toBe(404);
  });
});
