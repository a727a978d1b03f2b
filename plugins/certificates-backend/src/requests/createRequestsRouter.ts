import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CertificateRequest,
  CertificateRequestInput,
  requestCreatePermission,
  requestReadPermission,
  REQUEST_TRANSITIONS,
  RequestState,
  Violation,
} from '@kubecerts/backstage-plugin-certificates-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { AuditLog } from '../audit';
import { reportToAuditor } from '../audit/auditorEvents';
import { JsonObject } from '@backstage/types';
import {
  authorizeFilter,
  matchesRequestCriteria,
  transformRequestConditions,
} from '../permissions';
import { ActorIdentity, getActor } from '../service/identity';
import { freeText } from '../service/freeText';
import { refuseControlCharactersInIds } from '../service/pathIds';
import { assertMatchesSpec } from '../schema';
import { MAX_CSR_BYTES } from './csrChecks';
import { RequestService } from './RequestService';
import { RequestStore } from './RequestStore';

export interface RequestsRouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditor: AuditorService;
  service: RequestService;
  store: RequestStore;
  audit: AuditLog;
}

const name = z.string().max(253);
const inputSchema = z.strictObject({
  entityRef: z.string().min(1).max(255),
  commonName: z.string().max(255).optional(),
  dnsNames: z.array(name).max(1000),
  ipAddresses: z.array(z.string().max(64)).max(100).optional(),
  uris: z.array(z.string().max(2048)).max(100).optional(),
  keyAlgorithm: z.enum([
    'ECDSA-P256',
    'ECDSA-P384',
    'RSA-2048',
    'RSA-3072',
    'RSA-4096',
  ]),
  validityDays: z.number().int(),
  issuer: z.string().min(1).max(128),
  delivery: z.strictObject({
    kind: z.enum(['csr', 'secret', 'cert-manager']),
    csr: z
      .string()
      .max(MAX_CSR_BYTES, `the CSR is larger than ${MAX_CSR_BYTES} bytes`)
      .optional(),
    cluster: z.string().max(255).optional(),
    namespace: z.string().max(253).optional(),
    secretName: z.string().max(253).optional(),
  }),
  clientAuth: z.boolean().optional(),
  justification: freeText(4000).optional(),
});

function fieldOf(path: PropertyKey[]): string {
  return (
    path
      .map((p, i) =>
        typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`,
      )
      .join('') || 'body'
  );
}

function reject(res: express.Response, violations: Violation[]) {
  res.status(400).json({
    error: {
      name: 'InputError',
      message: violations.map(v => `${v.field}: ${v.reason}`).join('; '),
    },
    violations,
  });
}

function strings(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter(
    (v): v is string => typeof v === 'string',
  );
}

/** GET /policy; POST /requests, /requests/validate; GET /requests, /requests/:id, /requests/:id/chain.pem; POST /requests/:id/cancel. */
export function createRequestsRouter(
  options: RequestsRouterOptions,
): express.Router {
  const router = Router();
  refuseControlCharactersInIds(router, 'Request');

  /*
   * Users and service principals (automation) may read, validate, create,
   * and cancel their own requests; a service needs the policy's
   * `automation` to create, and never decides (the approvals routes admit
   * users only).
   */

  /**
   * certificates.request.create on the entity: a policy may answer with
   * catalog conditions (e.g. isEntityOwner), which the permission framework
   * has the catalog apply to this entity.
   */
  async function authorizeCreate(caller: ActorIdentity, entityRef: string) {
    const [decision] = await options.permissions.authorize(
      [{ permission: requestCreatePermission, resourceRef: entityRef }],
      { credentials: caller.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not request certificates for ${entityRef}`,
      );
    }
  }

  /** The caller and the parsed body, once the caller may request for its entity. */
  async function creation(
    req: express.Request,
    res: express.Response,
  ): Promise<
    { caller: ActorIdentity; input: CertificateRequestInput } | undefined
  > {
    const caller = await getActor(req, options);
    const input = parse(req, res);
    if (!input) return undefined;
    assertMatchesSpec(req);
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(input.entityRef));
    } catch {
      reject(res, [
        {
          field: 'entityRef',
          reason: `"${input.entityRef}" is not an entity ref (kind:namespace/name)`,
        },
      ]);
      return undefined;
    }
    await authorizeCreate(caller, entityRef);
    return { caller, input };
  }

  /** The read decision as SQL-ready criteria: true = all, false = none. */
  async function readFilter(credentials: BackstageCredentials) {
    return authorizeFilter(
      options.permissions,
      requestReadPermission,
      credentials,
      transformRequestConditions,
    );
  }

  /**
   * The request if it exists and the caller may read it. One the caller may
   * not read is answered exactly as a missing one: ids are not to be probed.
   */
  async function readable(
    req: express.Request,
    caller?: ActorIdentity,
  ): Promise<CertificateRequest> {
    const { credentials } = caller ?? (await getActor(req, options));
    const missing = () => new NotFoundError(`No request ${req.params.id}`);
    const request = await options.store.get(req.params.id);
    if (!request) throw missing();
    const filter = await readFilter(credentials);
    if (
      filter === false ||
      (filter !== true && !matchesRequestCriteria(filter, request))
    ) {
      throw missing();
    }
    return request;
  }

  function parse(
    req: express.Request,
    res: express.Response,
  ): CertificateRequestInput | undefined {
    const parsed = inputSchema.safeParse(req.body);
    if (!parsed.success) {
      reject(
        res,
        parsed.error.issues.map(issue => ({
          field: fieldOf(issue.path),
          reason: issue.message,
        })),
      );
      return undefined;
    }
    return parsed.data;
  }

  router.get('/policy', async (req, res) => {
    const caller = await getActor(req, options);
    const [entityRef, ...more] = strings(req.query.entityRef);
    if (!entityRef || more.length) {
      throw new InputError('Give exactly one entityRef');
    }
    assertMatchesSpec(req);
    res.json(
      await options.service.describePolicy(entityRef, caller.credentials),
    );
  });

  router.post('/requests/validate', async (req, res) => {
    const allowed = await creation(req, res);
    if (!allowed) return;
    const { caller, input } = allowed;
    const { result } = await options.service.validate(input, caller);
    if (!result.ok) {
      reject(res, result.violations);
      return;
    }
    res.json(result);
  });

  router.post('/requests', async (req, res) => {
    const allowed = await creation(req, res);
    if (!allowed) return;
    const { caller, input } = allowed;
    // A stored request reaches the auditor through the audit trail
    // ('created'); only a refused one is reported from here.
    const rejected = (failure: Error, meta: JsonObject = {}) =>
      reportToAuditor(options.auditor, 'request-rejected', {
        request: req,
        meta: {
          entityRef: input.entityRef,
          issuer: input.issuer,
          delivery: input.delivery.kind,
          ...meta,
        },
        failure,
      });
    let submitted: Awaited<ReturnType<RequestService['submit']>>;
    try {
      submitted = await options.service.submit(input, caller);
    } catch (error) {
      await rejected(error as Error);
      throw error;
    }
    const { request, result } = submitted;
    if (!request) {
      await rejected(new Error('policy violations'), {
        violations: result.violations.map(v => `${v.field}: ${v.reason}`),
      });
      reject(res, result.violations);
      return;
    }
    res.status(201).json(request);
  });

  router.get('/requests', async (req, res) => {
    const caller = await getActor(req, options);
    const permission = await readFilter(caller.credentials);
    if (permission === false) {
      res.json({ items: [] });
      return;
    }
    // The transition table names every state (-common).
    const states = strings(req.query.state).filter((s): s is RequestState =>
      Object.hasOwn(REQUEST_TRANSITIONS, s),
    );
    const limit = Number(req.query.limit);
    const result = await options.store.list({
      entityRef: strings(req.query.entityRef)[0],
      state: states.length ? states : undefined,
      requester: req.query.mine === 'true' ? caller.userEntityRef : undefined,
      limit: Number.isFinite(limit) && limit > 0 ? limit : undefined,
      cursor: strings(req.query.cursor)[0],
      permission: permission === true ? undefined : permission,
    });
    res.json(result);
  });

  router.get('/requests/:id', async (req, res) => {
    const request = await readable(req);
    const { items: audit } = await options.audit.list({
      requestId: request.id,
      limit: 500,
    });
    res.json({ request, audit });
  });

  router.get('/requests/:id/chain.pem', async (req, res) => {
    await readable(req);
    const chain = await options.store.getChainPem(req.params.id);
    if (!chain) {
      throw new NotFoundError(
        `Request ${req.params.id} has no issued certificate`,
      );
    }
    res.type('application/x-pem-file').send(chain);
  });

  router.post('/requests/:id/cancel', async (req, res) => {
    const caller = await getActor(req, options);
    const request = await readable(req, caller);
    res.json(await options.service.cancel(req.params.id, caller, request));
  });

  return router;
}
