import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, serializeError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  auditReadPermission,
  AUDIT_ACTIONS,
  AuditAction,
  BulkDecisionResult,
  CertificateRequest,
  DecisionKind,
  decisionReason,
  DENIAL_REASON_REQUIRED,
  sameRef,
} from '@kubecerts/backstage-plugin-certificates-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditLog } from '../audit';
import { reportToAuditor } from '../audit/auditorEvents';
import { freeText } from '../service/freeText';
import { parseBody } from '../service/parseBody';
import { CallerIdentity, getCaller } from '../service/identity';
import { refuseControlCharactersInIds } from '../service/pathIds';
import { assertMatchesSpec } from '../schema';
import { ApprovalService } from './ApprovalService';
import { DecideInput, ExternalApprovals, QueueFilter } from './ports';
import {
  afterPosition,
  compareQueued,
  decodeQueueCursor,
  mergeQueuePage,
} from './queuePaging';

const decisionFields = {
  decision: z.enum(['approve', 'deny']),
  reason: freeText(2000, { trim: true }).optional(),
};
/** Denying takes a reason. */
const reasonToDeny = (b: { decision: DecisionKind; reason?: string }) =>
  !decisionReason(b.decision, b.reason).missing;
const reasonMissing = {
  message: DENIAL_REASON_REQUIRED,
  path: ['reason'],
};

const decisionBody = z
  .object(decisionFields)
  .strict()
  .refine(reasonToDeny, reasonMissing);

const bulkBody = z
  .object({
    ids: z.array(z.string().min(1).max(512)).min(1).max(200),
    ...decisionFields,
  })
  .strict()
  .refine(reasonToDeny, reasonMissing);

/** Queue page sizes: default (a working day's queue on one page) and largest. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 200;

/** Decisions of one bulk request in flight at once. */
const BULK_CONCURRENCY = 4;

function many(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = (Array.isArray(value) ? value : [value]).filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  return list.length ? list : undefined;
}

function one(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Routes: decisions, the approvers' queue, history and the audit trail. */
export function createApprovalsRouter(options: {
  service: ApprovalService;
  audit: AuditLog;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  /** Requests decided outside the portal's store; none when in-cluster approvals are off. */
  external: ExternalApprovals[];
  auditor: AuditorService;
}): express.Router {
  const { service, audit, permissions, external } = options;
  const router = Router();
  refuseControlCharactersInIds(router, 'Request');
  router.use(express.json({ limit: '64kb' }));

  const caller = (req: express.Request) => getCaller(req, options);

  const decideOne = (input: DecideInput) => {
    const source = external.find(e => e.owns(input.requestId));
    return source ? source.decide(input) : service.decide(input);
  };

  const externalQueue = async (who: CallerIdentity, filter: QueueFilter) =>
    (await Promise.all(external.map(e => e.queue(who, filter))))
      .flat()
      .sort(compareQueued);

  /** The badge and the queue's total: a COUNT for portal requests, in memory for in-cluster ones. */
  const count = async (who: CallerIdentity, filter: QueueFilter) => {
    const [portal, others] = await Promise.all([
      service.count(who, filter),
      externalQueue(who, filter),
    ]);
    return portal + others.length;
  };

  /** One page of the queue, oldest first: portal and in-cluster requests merged. */
  const queuePage = async (
    who: CallerIdentity,
    filter: QueueFilter,
    limit: number,
    cursorText?: string,
  ) => {
    const cursor = cursorText ? decodeQueueCursor(cursorText) : {};
    const [portal, others] = await Promise.all([
      service.queuePage(who, filter, { limit, after: cursor.portal }),
      externalQueue(who, filter),
    ]);
    return mergeQueuePage({
      portal: portal.rows,
      portalMayHaveMore: portal.mayHaveMore,
      external: others
        .filter(r => afterPosition(r, cursor.external))
        .slice(0, limit),
      limit,
      cursor,
    });
  };

  const queueFilter = (query: express.Request['query']): QueueFilter => {
    const minAge = one(query.minAgeHours);
    const minAgeHours = minAge === undefined ? undefined : Number(minAge);
    if (
      minAgeHours !== undefined &&
      !(Number.isFinite(minAgeHours) && minAgeHours >= 0)
    ) {
      throw new InputError('minAgeHours must be a non-negative number');
    }
    return {
      issuer: many(query.issuer),
      owner: many(query.owner),
      minAgeHours,
    };
  };

  router.post('/requests/:id/decision', async (req, res) => {
    const who = await caller(req);
    const body = parseBody(decisionBody, req.body);
    assertMatchesSpec(req);
    res.json(
      await decideOne({ caller: who, requestId: req.params.id, ...body }),
    );
  });

  router.post('/approvals/bulk', async (req, res) => {
    const who = await caller(req);
    const body = parseBody(bulkBody, req.body);
    assertMatchesSpec(req);
    const ids = [...new Set(body.ids)];
    const results: BulkDecisionResult[] = new Array(ids.length);
    // A few at a time: each decision is still its own transaction, audit
    // record and per-request lock (as for concurrent single decisions), while
    // permission checks, notifications and issuance of different requests
    // overlap instead of queueing behind each other.
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ids.length; i = next++) {
        const id = ids[i];
        try {
          const request = await decideOne({
            caller: who,
            requestId: id,
            decision: body.decision,
            reason: body.reason,
          });
          results[i] = { id, ok: true, state: request.state };
        } catch (error) {
          const { name, message } = serializeError(error as Error);
          results[i] = { id, ok: false, error: { name, message } };
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(BULK_CONCURRENCY, ids.length) }, worker),
    );
    res.json({ results });
  });

  router.get('/approvals', async (req, res) => {
    const who = await caller(req);
    const filter = queueFilter(req.query);
    const limitText = one(req.query.limit);
    const limit = limitText === undefined ? DEFAULT_PAGE : Number(limitText);
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE)) {
      throw new InputError(
        `limit must be a whole number from 1 to ${MAX_PAGE}`,
      );
    }
    assertMatchesSpec(req);
    const [page, totalCount] = await Promise.all([
      queuePage(who, filter, limit, one(req.query.cursor)),
      count(who, filter),
    ]);
    res.json({ ...page, totalCount });
  });

  router.get('/approvals/count', async (req, res) => {
    const who = await caller(req);
    res.json({ pending: await count(who, {}) });
  });

  router.get('/approvals/history', async (req, res) => {
    const who = await caller(req);
    const lists = await Promise.all([
      service.history(who),
      ...external.map(e => e.history?.(who) ?? Promise.resolve([])),
    ]);
    // Newest decision of this person first, across portal and in-cluster requests.
    const decidedAt = (r: CertificateRequest) =>
      r.decisions.find(d => sameRef(d.actor, who.userEntityRef))?.at ?? '';
    const items = lists
      .flat()
      .sort((a, b) => decidedAt(b).localeCompare(decidedAt(a)));
    res.json({ items: items.slice(0, 100) });
  });

  router.get('/audit', async (req, res) => {
    const who = await caller(req);
    const [decision] = await permissions.authorize(
      [{ permission: auditReadPermission }],
      {
        credentials: who.credentials,
      },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      const refused = new NotAllowedError(
        'You are not allowed to read the audit trail.',
      );
      await reportToAuditor(options.auditor, 'audit-read', {
        request: req,
        failure: refused,
      });
      throw refused;
    }
    const actions = many(req.query.action);
    if (actions?.some(a => !(AUDIT_ACTIONS as readonly string[]).includes(a))) {
      throw new InputError(`action must be one of ${AUDIT_ACTIONS.join(', ')}`);
    }
    const limitText = one(req.query.limit);
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw new InputError('limit must be a positive integer');
    }
    assertMatchesSpec(req);
    const page = await audit.list({
      entityRef: one(req.query.entityRef),
      actor: one(req.query.actor),
      requestId: one(req.query.requestId),
      action: actions as AuditAction[] | undefined,
      from: one(req.query.from),
      to: one(req.query.to),
      limit,
      cursor: one(req.query.cursor),
    });
    await reportToAuditor(options.auditor, 'audit-read', {
      request: req,
      meta: { query: JSON.stringify(req.query), returned: page.items.length },
    });
    res.json(page);
  });

  return router;
}
