import {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { getActor, getCaller, isUser } from '../../service/identity';
import { refuseControlCharactersInIds } from '../../service/pathIds';
import { assertMatchesSpec } from '../../schema';
import { InventoryStore } from '../store';
import { certificateReadFilter } from '../../permissions';
import { csvHeader, csvRow } from './csv';
import type { InventoryLifecyclePort } from './ports';
import {
  exportQuery,
  filterQuery,
  listQuery,
  parseQuery,
  revokeBody,
  timelineQuery,
  toFilter,
} from './queryParams';

export interface InventoryRouterOptions {
  store: InventoryStore;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  /** Renew and revoke (and the actions a certificate's details list). */
  lifecycle: InventoryLifecyclePort;
  now?: () => Date;
}

/** The inventory routes: list, details, chain, counts, timeline, CSV export, clusters. */
export function createInventoryRouter(
  options: InventoryRouterOptions,
): express.Router {
  const { store, lifecycle } = options;
  const now = options.now ?? (() => new Date());
  const router = Router();
  refuseControlCharactersInIds(router, 'Certificate');

  /** Who may read what: undefined = everything, else an SQL-translatable filter. */
  const readFilter = (req: Request) => certificateReadFilter(options, req);

  router.get('/certificates', async (req, res) => {
    const q = parseQuery(listQuery, req.query);
    assertMatchesSpec(req);
    const permissionFilter = await readFilter(req);
    res.json(
      await store.listCertificates({
        filter: toFilter(q),
        permissionFilter,
        sort: q.sort,
        order: q.order,
        limit: q.limit ?? 50,
        cursor: q.cursor,
      }),
    );
  });

  router.get('/certificates/:id/chain.pem', async (req, res) => {
    const permissionFilter = await readFilter(req);
    const pem = await store.getChainPem(req.params.id, permissionFilter);
    if (!pem) {
      throw new NotFoundError(`No certificate chain for ${req.params.id}`);
    }
    res.setHeader('Content-Type', 'application/x-pem-file');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${req.params.id.slice(0, 16)}-chain.pem"`,
    );
    res.send(pem);
  });

  router.get('/certificates/:id', async (req, res) => {
    const permissionFilter = await readFilter(req);
    const details = await store.getCertificate(req.params.id, permissionFilter);
    if (!details) {
      throw new NotFoundError(`No certificate ${req.params.id}`);
    }
    const caller = await getActor(req, options);
    // Renew and revoke are for signed-in users: a service is offered neither.
    res.json(
      isUser(caller)
        ? { ...details, actions: await lifecycle.actionsFor(details, caller) }
        : details,
    );
  });

  router.post('/certificates/:id/renew', async (req, res) => {
    const outcome = await lifecycle.renew(
      req.params.id,
      await getCaller(req, options),
    );
    res
      .status(outcome.outcome === 'renewal-requested' ? 201 : 202)
      .json(outcome);
  });

  router.post('/certificates/:id/revoke', async (req, res) => {
    const body = parseQuery(revokeBody, req.body ?? {}, 'body');
    assertMatchesSpec(req);
    const request = await lifecycle.revoke(
      req.params.id,
      body,
      await getCaller(req, options),
    );
    res.json({ request });
  });

  router.get('/counts', async (req, res) => {
    const q = parseQuery(filterQuery, req.query);
    assertMatchesSpec(req);
    const permissionFilter = await readFilter(req);
    res.json(
      await store.counts(toFilter(q), now().toISOString(), permissionFilter),
    );
  });

  router.get('/timeline', async (req, res) => {
    const q = parseQuery(timelineQuery, req.query);
    assertMatchesSpec(req);
    const permissionFilter = await readFilter(req);
    const buckets = await store.timeline(
      toFilter(q),
      q.weeks ?? 12,
      now().toISOString(),
      permissionFilter,
    );
    res.json({ buckets });
  });

  router.get('/export.csv', async (req, res) => {
    const q = parseQuery(exportQuery, req.query);
    assertMatchesSpec(req);
    const permissionFilter = await readFilter(req);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      'attachment; filename="certificates.csv"',
    );
    res.write(csvHeader());
    await store.exportCertificates(
      { filter: toFilter(q), permissionFilter, sort: q.sort, order: q.order },
      rows => {
        res.write(rows.map(csvRow).join(''));
      },
    );
    res.end();
  });

  router.get('/clusters', async (req, res) => {
    await readFilter(req);
    res.json({ items: await store.listClusters() });
  });

  return router;
}
