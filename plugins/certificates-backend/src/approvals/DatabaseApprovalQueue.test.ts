import {
  canDecide,
  CertificatePolicy,
  CertificateRequest,
} from '@kubecerts/backstage-plugin-certificates-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { DatabaseRequestStore } from '../requests/DatabaseRequestStore';
import { NewRequest } from '../requests/RequestStore';
import { DatabaseApprovalQueue } from './DatabaseApprovalQueue';
import { ApproverQueueFilter, QueuePosition } from './ports';
import { matchesRequestCriteria, RequestQuery } from '../permissions';
import { pendingRequest } from './__testUtils__/TableRequests';
import { databaseSuite } from '../__testUtils__';

jest.setTimeout(180_000);

const db = databaseSuite();

const SECURITY = 'group:default/security';
const policies: CertificatePolicy[] = [
  {
    name: 'internal',
    allowedDnsNames: [],
    approvals: { approvers: [SECURITY] },
  },
  {
    name: 'pki-only',
    allowedDnsNames: [],
    approvals: { approvers: ['group:default/pki'] },
  },
  { name: 'nobody', allowedDnsNames: [], approvals: { approvers: [] } },
  // Configured without approvers: the ones recorded on the request decide.
  { name: 'recorded', allowedDnsNames: [] },
];

const me = {
  actor: 'user:default/Sec1',
  actorRefs: [
    'user:default/Sec1',
    'Group:Default/Security',
    'group:default/team_a',
  ],
};

/** The filter ApprovalService builds for `me` from `policies`. */
function filterFor(
  extra: Partial<ApproverQueueFilter> = {},
): ApproverQueueFilter {
  const configured = policies.filter(p => p.approvals?.approvers !== undefined);
  return {
    ...me,
    approverPolicies: configured
      .filter(p =>
        p.approvals!.approvers!.some(g =>
          me.actorRefs.some(r => r.toLowerCase() === g.toLowerCase()),
        ),
      )
      .map(p => p.name),
    configuredPolicies: configured.map(p => p.name),
    ...extra,
  };
}

function newRequest(overrides: Partial<CertificateRequest>): NewRequest {
  const { createdAt, updatedAt, decisions, ...request } =
    pendingRequest(overrides);
  return request;
}

async function init(knex: Knex) {
  return { knex, queue: DatabaseApprovalQueue.create({ knex }) };
}

/** Every request of the queue, read in pages of `limit`. */
async function walk(
  queue: DatabaseApprovalQueue,
  filter: ApproverQueueFilter,
  limit: number,
) {
  const seen: CertificateRequest[] = [];
  let after: QueuePosition | undefined;
  for (let pages = 0; ; pages++) {
    const page = await queue.page(filter, { limit, after });
    seen.push(...page);
    if (page.length < limit) return { seen, pages: pages + 1 };
    const last = page[page.length - 1];
    after = [last.createdAt, last.id];
  }
}

describe('DatabaseApprovalQueue', () => {
  db.test('holds the rules canDecide applies, in SQL', async ({ knex }) => {
    const { queue } = await init(knex);
    const store = DatabaseRequestStore.create({
      knex,
      now: () => new Date('2026-11-28T10:00:00.000Z'),
    });
    const cases: Array<[string, Partial<CertificateRequest>]> = [
      ['internal', { policyName: 'internal' }],
      ['own, other case', { requester: 'USER:default/sec1' }],
      ['decided by me', {}],
      ['decided by someone else', {}],
      ['pki only', { policyName: 'pki-only' }],
      ['no approvers configured', { policyName: 'nobody' }],
      [
        'recorded approvers, other case',
        { policyName: 'recorded', approvers: ['group:default/SECURITY'] },
      ],
      [
        'policy gone, recorded approver',
        { policyName: 'gone', approvers: ['group:default/pki', SECURITY] },
      ],
      [
        'policy gone, not my group',
        { policyName: 'gone', approvers: ['group:default/pki'] },
      ],
      // '_' and '%' in a ref are literal: team_a matches team_a only.
      [
        'underscore is literal',
        { policyName: 'gone', approvers: ['group:default/teamxa'] },
      ],
      [
        'underscore matches itself',
        { policyName: 'gone', approvers: ['group:default/team_a'] },
      ],
      [
        'whole refs only',
        { policyName: 'gone', approvers: ['group:default/security-admins'] },
      ],
      ['approved already', { state: 'approved' }],
    ];
    const created = await store.createMany(
      cases.map(([name, overrides], i) =>
        newRequest({
          id: `case-${String(i).padStart(2, '0')}`,
          justification: name,
          ...overrides,
        }),
      ),
    );
    const byName = new Map(created.map(r => [r.justification!, r]));
    await knex('certificates_approval_decisions').insert([
      {
        request_id: byName.get('decided by me')!.id,
        actor: 'user:default/sec1',
        actor_key: 'user:default/sec1',
        decision: 'approve',
        at: '2026-11-28T11:00:00.000Z',
      },
      {
        request_id: byName.get('decided by someone else')!.id,
        actor: 'user:default/sec2',
        actor_key: 'user:default/sec2',
        decision: 'approve',
        at: '2026-11-28T11:00:00.000Z',
      },
    ]);

    const listed = (await queue.page(filterFor(), { limit: 100 })).map(
      r => r.justification,
    );
    expect(listed).toEqual([
      'internal',
      'decided by someone else',
      'recorded approvers, other case',
      'policy gone, recorded approver',
      'underscore matches itself',
    ]);
    expect(await queue.count(filterFor())).toBe(listed.length);

    // The same verdicts as canDecide on the loaded requests.
    const decidedByMe = new Set([byName.get('decided by me')!.id]);
    const expected = created.filter(
      r =>
        canDecide({
          request: r,
          actor: me.actor,
          actorGroups: me.actorRefs,
          alreadyDecided: decidedByMe.has(r.id),
          policy: {
            name: r.policyName,
            approvals: {
              approvers:
                policies.find(p => p.name === r.policyName)?.approvals
                  ?.approvers ?? r.approvers,
            },
          },
        }).allowed,
    );
    expect(expected.map(r => r.justification)).toEqual(listed);

    // Someone in no approver group has an empty queue.
    const outsider: ApproverQueueFilter = {
      actor: 'user:default/dev',
      actorRefs: ['user:default/dev', 'group:default/team-b'],
      approverPolicies: [],
      configuredPolicies: filterFor().configuredPolicies,
    };
    expect(await queue.page(outsider, { limit: 100 })).toEqual([]);
    expect(await queue.count(outsider)).toBe(0);
  });

  db.test(
    'counts a few thousand pending and pages through each exactly once, with filters and conditions',
    async ({ knex }) => {
      const { queue } = await init(knex);
      const all: CertificateRequest[] = [];
      // 3,000 pending over four creation times: long runs of equal times, so
      // pages also break ties by id.
      for (let t = 0; t < 4; t++) {
        const store = DatabaseRequestStore.create({
          knex,
          now: () =>
            new Date(Date.parse('2026-11-20T10:00:00.000Z') + t * 3_600_000),
        });
        for (let b = 0; b < 2; b++) {
          const batch = Array.from({ length: 375 }, (_, i) => {
            const k = t * 750 + b * 375 + i;
            return newRequest({
              id: `q-${String((k * 7919) % 3000).padStart(5, '0')}`,
              issuer: k % 3 === 0 ? 'acme' : 'builtin',
              ownerRef: k % 4 === 0 ? undefined : `group:default/team-${k % 4}`,
              requester: k % 10 === 0 ? me.actor : `user:default/dev-${k % 5}`,
            });
          });
          all.push(...(await store.createMany(batch)));
        }
      }
      const mine = all.filter(r => r.requester !== me.actor);
      expect(await queue.count(filterFor())).toBe(mine.length);
      expect(mine.length).toBe(2700);

      const { seen, pages } = await walk(queue, filterFor(), 200);
      expect(pages).toBe(14);
      expect(seen).toHaveLength(mine.length);
      expect(new Set(seen.map(r => r.id)).size).toBe(mine.length);
      expect(new Set(seen.map(r => r.id))).toEqual(
        new Set(mine.map(r => r.id)),
      );
      // Oldest first.
      expect(seen.map(r => r.createdAt)).toEqual(
        [...seen.map(r => r.createdAt)].sort(),
      );

      const permission: PermissionCriteria<RequestQuery> = {
        anyOf: [
          { property: 'issuer', values: ['acme'] },
          { property: 'ownerRef', values: ['GROUP:default/team-1'] },
        ],
      };
      const filtered = filterFor({
        permission,
        owners: ['group:default/team-1', 'group:default/team-2'],
        createdBefore: '2026-11-20T12:00:00.000Z',
      });
      const expected = mine.filter(
        r =>
          matchesRequestCriteria(permission, r) &&
          ['group:default/team-1', 'group:default/team-2'].includes(
            r.ownerRef ?? '',
          ) &&
          r.createdAt <= '2026-11-20T12:00:00.000Z',
      );
      expect(expected.length).toBeGreaterThan(100);
      expect(await queue.count(filtered)).toBe(expected.length);
      const walked = await walk(queue, filtered, 37);
      expect(walked.seen.map(r => r.id).sort()).toEqual(
        expected.map(r => r.id).sort(),
      );
    },
  );
});
