import { LoggerService } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import express from 'express';
import { createRouter } from '../../router';
import { RequestsRouterOptions } from '../createRequestsRouter';

/** The requests router as plugin.ts mounts it, signed in as `user`, errors rendered. */
export async function mountRequestsRouter(options: {
  user: string;
  logger: LoggerService;
  requests: Omit<RequestsRouterOptions, 'httpAuth' | 'auditor'>;
}): Promise<express.Express> {
  const httpAuth = mockServices.httpAuth({
    defaultCredentials: mockCredentials.user(options.user),
  });
  const app = express();
  app.use(
    await createRouter({
      logger: options.logger,
      httpAuth,
      requests: {
        httpAuth,
        auditor: mockServices.auditor.mock(),
        ...options.requests,
      },
    }),
  );
  app.use(mockErrorHandler());
  return app;
}
