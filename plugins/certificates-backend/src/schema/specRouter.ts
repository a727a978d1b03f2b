import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import express from 'express';
import spec from './openapi.generated.json';

/**
 * Operations whose handlers check their own input and name the field and the
 * rule in their answer (and, for requests, list `violations` a form shows
 * next to its fields). A spec violation there is raised only once that check
 * passed (`assertMatchesSpec`), so a caller keeps getting those answers; the
 * spec still refuses whatever the handler's check lets through.
 */
export const SELF_CHECKED_OPERATIONS: readonly string[] = [
  'GET /policy',
  'POST /requests',
  'POST /requests/validate',
  'POST /requests/{id}/decision',
  'POST /approvals/bulk',
  'GET /approvals',
  'GET /audit',
  'GET /certificates',
  'POST /certificates/{id}/revoke',
  'GET /counts',
  'GET /timeline',
  'GET /export.csv',
];

// The JSON's inferred types are wider than the document type (strings
// where it has literals); the test beside this file checks it is the YAML.
const document = spec as Parameters<typeof createValidatedOpenApiRouter>[0];

const selfChecked = new Set(SELF_CHECKED_OPERATIONS);
const bodyErrors = new WeakMap<express.Request, unknown>();
const deferred = new WeakMap<express.Request, unknown>();

type SpecRequest = express.Request & {
  openapi?: { openApiRoute?: string; expressRoute?: string };
};

function operationOf(req: SpecRequest): string {
  const route = req.openapi?.openApiRoute ?? req.openapi?.expressRoute ?? '';
  return `${req.method} ${route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The plugin's root router: JSON bodies up to 64 kB, every request checked
 * against the OpenAPI document, the document served at /openapi.json.
 */
export function createSpecRouter(): express.Router {
  const json = express.json({ limit: '64kb' });
  const router: express.Router = createValidatedOpenApiRouter(document, {
    // A body the parser refuses (too large, not JSON) keeps its own status
    // and message instead of becoming a spec violation.
    middleware: [
      (req, res, next) =>
        json(req, res, error => {
          if (error) bodyErrors.set(req, error);
          next();
        }),
    ],
  });
  router.use(
    (
      error: unknown,
      req: express.Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => {
      if (bodyErrors.has(req)) {
        next(bodyErrors.get(req));
        return;
      }
      // A path that does not decode is refused by the route's own parameter
      // handling ("Failed to decode param"), as before.
      if (selfChecked.has(operationOf(req)) || !decodable(req.path)) {
        deferred.set(req, error);
        next();
        return;
      }
      next(error);
    },
  );
  router.use((req, _res, next) => next(bodyErrors.get(req)));
  return router;
}

/** Raises the spec violation held back for a self-checked operation. */
export function assertMatchesSpec(req: express.Request): void {
  if (deferred.has(req)) {
    throw deferred.get(req);
  }
}
