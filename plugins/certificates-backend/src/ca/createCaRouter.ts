import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { IssuerRegistry } from '../issuing/IssuerRegistry';
import { BuiltinCa } from './BuiltinCa';
import { TrustBundle } from './TrustBundle';

export interface CaRouterOptions {
  httpAuth: HttpAuthService;
  issuers: IssuerRegistry;
  builtinCa: BuiltinCa;
  trustBundle: TrustBundle;
}

/** GET /issuers, GET /trust-bundle.pem and GET /crl/:issuerId. */
export function createCaRouter(options: CaRouterOptions): express.Router {
  const router = Router();

  router.get('/issuers', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: await options.issuers.list() });
  });

  // Unauthenticated: relying parties and clusters fetch these.
  router.get('/trust-bundle.pem', async (_req, res) => {
    res
      .type('text/plain; charset=utf-8')
      .setHeader('Cache-Control', 'public, max-age=300');
    res.send(await options.trustBundle.pem());
  });

  router.get('/crl/:issuerId', async (req, res) => {
    if (req.params.issuerId !== options.builtinCa.id) {
      throw new NotFoundError(
        `No CRL is published for issuer '${req.params.issuerId}'`,
      );
    }
    const { der, etag } = await options.builtinCa.publishedCrl();
    res
      .type('application/pkix-crl')
      .setHeader('Cache-Control', 'public, max-age=300')
      .setHeader('ETag', etag);
    // Clients polling every replica get 304 until a revocation anywhere.
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.send(der);
  });

  return router;
}
