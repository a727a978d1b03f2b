import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import {
  createInventoryRouter,
  InventoryRouterOptions,
} from '../inventory/router/createInventoryRouter';
import { errorHandler } from './fixtures';

/**
 * The inventory routes with JSON bodies and rendered errors. Nobody is signed
 * in by default: each call brings its caller's header.
 */
export function inventoryApp(
  options: Omit<InventoryRouterOptions, 'httpAuth'>,
): express.Express {
  const app = express();
  app.use(express.json());
  app.use(
    createInventoryRouter({
      ...options,
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
    }),
  );
  app.use(errorHandler());
  return app;
}
