import { ApprovalDecision } from '@kubecerts/backstage-plugin-certificates-common';
import { pendingRequest } from '../approvals/__testUtils__/TableRequests';
import { InClusterDecisionLog } from './InClusterDecisionLog';
import { describeDatabases } from '../__testUtils__';

const DAY = '2026-11-28';

describeDatabases('InClusterDecisionLog', db => {
  db.test(
    'keeps each decision with what the approver saw, listed per person newest first',
    async ({ knex }) => {
      const log = InClusterDecisionLog.create({ knex });
      const row = (name: string) =>
        pendingRequest({
          id: `incluster:${name}`,
          commonName: `${name}.shop.example.com`,
          requester: 'system:serviceaccount:cert-manager:cert-manager',
          inCluster: {
            cluster: 'prod',
            namespace: 'shop',
            name: `x`.repeat(200) + name,
          },
        });
      const decided: Array<[string, ApprovalDecision]> = [
        [
          'one',
          {
            actor: 'user:default/Sam',
            decision: 'approve',
            at: `${DAY}T10:00:00.000Z`,
          },
        ],
        [
          'two',
          {
            actor: 'user:default/sam',
            decision: 'deny',
            reason: 'not ours',
            at: `${DAY}T11:00:00.000Z`,
          },
        ],
        [
          'three',
          {
            actor: 'user:default/kim',
            decision: 'approve',
            at: `${DAY}T12:00:00.000Z`,
          },
        ],
      ];
      for (const [name, decision] of decided) {
        const state = decision.decision === 'approve' ? 'approved' : 'denied';
        await log.record({ ...row(name), state }, decision);
      }

      const sams = await log.listByActor('USER:default/sam');
      expect(sams.map(r => [r.commonName, r.state, r.decisions])).toEqual([
        [
          'two.shop.example.com',
          'denied',
          [
            {
              actor: 'user:default/sam',
              decision: 'deny',
              reason: 'not ours',
              at: '2026-11-28T11:00:00.000Z',
            },
          ],
        ],
        [
          'one.shop.example.com',
          'approved',
          [
            {
              actor: 'user:default/Sam',
              decision: 'approve',
              at: '2026-11-28T10:00:00.000Z',
            },
          ],
        ],
      ]);
      expect(sams[0].inCluster?.name).toMatch(/two$/);
      expect(await log.listByActor('user:default/sam', 1)).toHaveLength(1);
      expect(await log.listByActor('user:default/nobody')).toEqual([]);
    },
  );
});
