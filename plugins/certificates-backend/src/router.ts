import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import { createApprovalsRouter } from './approvals';
import { CaRouterOptions, createCaRouter } from './ca';
import { createEndpointsRouter, EndpointsRouterOptions } from './endpoints';
import { createInventoryRouter, InventoryRouterOptions } from './inventory';
import { createRequestsRouter, RequestsRouterOptions } from './requests';
import { createTrustRouter, TrustRouterOptions } from './trust';
import { createSpecRouter } from './schema';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  /** Issuers, trust bundle and CRLs. */
  ca?: CaRouterOptions;
  /** Inventory: certificates, counts, timeline, export, clusters. */
  inventory?: InventoryRouterOptions;
  /** Certificate requests: validate, submit, list, read, cancel. */
  requests?: RequestsRouterOptions;
  /** Decisions, the approvers' queue, history and audit. */
  approvals?: Parameters<typeof createApprovalsRouter>[0];
  /** Approved roots, root changes and the bundle's distribution. */
  trust?: TrustRouterOptions;
  /** How each endpoint's scans went. */
  endpoints?: EndpointsRouterOptions;
}

/** Composes the plugin's HTTP API; each area contributes its own sub-router. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  // Requests are checked against the OpenAPI document (src/schema/openapi.yaml)
  // before any route runs; the document is served at /openapi.json.
  const router = createSpecRouter();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // An area without options is not served (tests mount only what they test).
  const areas = [
    options.ca && createCaRouter(options.ca),
    options.requests && createRequestsRouter(options.requests),
    options.approvals && createApprovalsRouter(options.approvals),
    options.inventory && createInventoryRouter(options.inventory),
    options.trust && createTrustRouter(options.trust),
    options.endpoints && createEndpointsRouter(options.endpoints),
  ];
  for (const area of areas) {
    if (area) router.use(area);
  }
  return router;
}
