import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { InventoryStore } from '../inventory/store';
import { certificateReadFilter } from '../permissions';
import { refuseControlCharactersInIds } from '../service/pathIds';
import { EndpointStatusStore } from './EndpointStatusStore';

export interface EndpointsRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  inventory: Pick<InventoryStore, 'getSummaries'>;
  statuses: Pick<EndpointStatusStore, 'get'>;
}

/**
 * How an endpoint's scans went, for whoever may read its certificate: the
 * status is looked up only after the certificate row was read under the
 * caller's permission filter, so a row they may not see is a 404 like any
 * missing one.
 */
export function createEndpointsRouter(
  options: EndpointsRouterOptions,
): express.Router {
  const router = Router();
  refuseControlCharactersInIds(router, 'Certificate');

  router.get('/certificates/:id/endpoint', async (req, res) => {
    const [row] = await options.inventory.getSummaries(
      [req.params.id],
      await certificateReadFilter(options, req),
    );
    if (row?.location !== 'endpoint') {
      throw new NotFoundError(`No endpoint certificate ${req.params.id}`);
    }
    const [status] = await options.statuses.get([row.id]);
    if (!status) {
      throw new NotFoundError(`Endpoint ${row.id} has not been scanned yet`);
    }
    res.json(status);
  });

  return router;
}
