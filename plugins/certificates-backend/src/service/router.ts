import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { CaRouterOptions, createCaRouter } from '../ca';
import { createInventoryRouter, InventoryRouterOptions } from '../inventory';
import { createRequestsRouter, RequestsRouterOptions } from '../requests';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  /** Issuers, trust bundle and CRLs. */
  ca?: CaRouterOptions;
  /** Inventory: certificates, counts, timeline, export, clusters. */
  inventory?: InventoryRouterOptions;
  /** Certificate requests: validate, submit, list, read, cancel. */
  requests?: RequestsRouterOptions;
  /** Decisions, the approvers' queue, history and audit (from `setupApprovals`). */
  approvals?: express.Router;
}

/** Composes the plugin's HTTP API; each area contributes its own sub-router. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (options.ca) {
    router.use(createCaRouter(options.ca));
  }
  if (options.requests) {
    router.use(createRequestsRouter(options.requests));
  }
  if (options.approvals) {
    router.use(options.approvals);
  }
  if (options.inventory) {
    router.use(createInventoryRouter(options.inventory));
  }
  return router;
}
