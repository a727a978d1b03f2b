import {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  TrustApprovalSettings,
  trustManagePermission,
  TrustOverview,
} from '@kubecerts/backstage-plugin-certificates-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { freeText } from '../service/freeText';
import { parseBody } from '../service/parseBody';
import { getActor, getCaller } from '../service/identity';
import { bundleHash } from './rootCertificate';
import { TrustChangeService } from './TrustChangeService';
import { TrustDistributor } from './TrustDistributor';
import { TrustStore } from './TrustStore';

export interface TrustRouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  store: Pick<TrustStore, 'listRoots' | 'listChanges'>;
  changes: TrustChangeService;
  distributor: TrustDistributor;
  approvals: TrustApprovalSettings;
}

const reason = freeText(2000, { trim: true }).pipe(
  z.string().min(1, 'a reason is required'),
);
const changeSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('add'),
    pem: z
      .string()
      .min(1)
      .max(64 * 1024),
    reason,
  }),
  z.strictObject({
    action: z.literal('remove'),
    fingerprint: z.string().min(1).max(128),
    reason,
  }),
]);
const decisionSchema = z.strictObject({
  decision: z.enum(['approve', 'deny']),
  reason: freeText(2000, { trim: true }).optional(),
});
const syncSchema = z.strictObject({ repair: z.boolean().optional() });

/**
 * The root of trust: GET /trust (roots, changes, distribution), root
 * change requests and their decisions (signed-in users only), and an
 * on-demand check or repair of the distribution.
 */
export function createTrustRouter(options: TrustRouterOptions): express.Router {
  const router = Router();
  const { httpAuth, userInfo } = options;

  router.get('/trust', async (req, res) => {
    await getActor(req, { httpAuth, userInfo });
    const [roots, changes, targets] = await Promise.all([
      options.store.listRoots(),
      options.store.listChanges(),
      options.distributor.status(),
    ]);
    const body: TrustOverview = {
      roots,
      changes,
      targets,
      bundleHash: bundleHash(roots.map(r => r.pem).join('')),
      approvals: options.approvals,
    };
    res.json(body);
  });

  router.post('/trust/changes', async (req, res) => {
    const caller = await getCaller(req, { httpAuth, userInfo });
    const input = parseBody(changeSchema, req.body);
    res.status(201).json(await options.changes.request(caller, input));
  });

  router.post('/trust/changes/:id/decision', async (req, res) => {
    const caller = await getCaller(req, { httpAuth, userInfo });
    const input = parseBody(decisionSchema, req.body);
    res.json(await options.changes.decide(caller, req.params.id, input));
  });

  router.post('/trust/sync', async (req, res) => {
    const actor = await getActor(req, { httpAuth, userInfo });
    const input = parseBody(syncSchema, req.body);
    const [decision] = await options.permissions.authorize(
      [{ permission: trustManagePermission }],
      {
        credentials: actor.credentials,
      },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not sync the trust bundle');
    }
    res.json({ targets: await options.distributor.sync(input) });
  });

  return router;
}
