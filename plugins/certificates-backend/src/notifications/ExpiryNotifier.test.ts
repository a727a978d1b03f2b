import { mockServices } from '@backstage/backend-test-utils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { computeStatus } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { DatabaseInventoryStore } from '../inventory';
import { testRow } from '../inventory/store/testRows';
import { ExpiryNotifier } from './ExpiryNotifier';
import { describeDatabases, testClock } from '../__testUtils__';

jest.setTimeout(120_000);

const T0 = Date.parse('2026-11-28T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const inDays = (days: number, from = T0) =>
  new Date(from + days * DAY).toISOString();

const ENTITY = 'component:default/payments';
const TEAM = 'group:default/team-a';

/** A fake notifications service that records what it was asked to send. */
function recordingNotifications() {
  const sent: NotificationSendOptions[] = [];
  return {
    sent,
    send: jest.fn(async (options: NotificationSendOptions) => {
      sent.push(options);
    }),
    titles: () => sent.map(s => s.payload.title),
  };
}

function row(
  name: string,
  daysLeft: number,
  options: {
    owned?: boolean;
    fingerprint?: string;
    entityRef?: string | null;
    from?: number;
  } = {},
) {
  const { owned = true, fingerprint, entityRef = ENTITY, from = T0 } = options;
  return testRow({
    cluster: 'prod',
    namespace: 'payments',
    name,
    status: computeStatus(
      {
        notBefore: '2026-01-01T00:00:00.000Z',
        notAfter: inDays(daysLeft, from),
      },
      new Date(from),
    ),
    entityRef: owned && entityRef ? entityRef : undefined,
    ownerRef: owned ? TEAM : undefined,
    leaf: {
      commonName: `${name}.example.com`,
      dnsNames: [`${name}.example.com`],
      notAfter: inDays(daysLeft, from),
      fingerprintSha256: (fingerprint ?? name.replace(/[^a-f0-9]/g, ''))
        .padEnd(64, '0')
        .slice(0, 64),
    },
  });
}

describeDatabases('ExpiryNotifier', db => {
  async function setup(knex: Knex) {
    const store = DatabaseInventoryStore.create({ knex });
    const notifications = recordingNotifications();
    const clock = testClock(T0);
    const notifierFor = (service = notifications) =>
      ExpiryNotifier.create({
        knex,
        notifications: service,
        logger: mockServices.logger.mock(),
        now: clock.now,
      });
    return {
      knex,
      store,
      notifications,
      notifier: notifierFor(),
      notifierFor,
      clock,
    };
  }

  db.test(
    'notifies each owned certificate once at the most urgent threshold, again on the next one, and a renewal starts over',
    async ({ knex }) => {
      const { store, notifications, notifier, clock } = await setup(knex);
      await store.upsertCertificates(
        [
          row('a40', 40),
          row('b20', 20),
          row('c10', 10),
          row('d5', 5),
          row('e05', 0.5),
          row('f-expired', -2),
          row('old-expired', -60),
          row('unowned5', 5, { owned: false }),
          row('gone5', 5),
          row('team-only12', 12, { entityRef: null }),
        ],
        inDays(-1),
      );
      await store.markGone([row('gone5', 5).id], inDays(-0.5));

      expect(await notifier.run()).toEqual({ sent: 6, failed: 0 });
      expect(notifications.titles().sort()).toEqual([
        'Certificate expires within 1 day: e05.example.com (prod/payments/e05)',
        'Certificate expires within 14 days: c10.example.com (prod/payments/c10)',
        'Certificate expires within 14 days: team-only12.example.com (prod/payments/team-only12)',
        'Certificate expires within 30 days: b20.example.com (prod/payments/b20)',
        'Certificate expires within 7 days: d5.example.com (prod/payments/d5)',
        'Certificate has expired: f-expired.example.com (prod/payments/f-expired)',
      ]);
      const d5 = notifications.sent.find(s => s.payload.title.includes('d5'))!;
      expect(d5).toEqual({
        recipients: { type: 'entity', entityRef: [ENTITY, TEAM] },
        payload: {
          title:
            'Certificate expires within 7 days: d5.example.com (prod/payments/d5)',
          description: expect.stringContaining(
            'Valid until 2026-12-03 12:00 UTC (5 days left). Renew it',
          ),
          link: `/catalog/default/component/payments/certificates?certificate=${
            row('d5', 5).id
          }`,
          severity: 'high',
          topic: 'certificate-expiry',
          scope: `certificates:expiry:${row('d5', 5).id}:${
            row('d5', 5).details.leaf!.fingerprintSha256
          }`,
        },
      });
      const severities = Object.fromEntries(
        notifications.sent.map(s => [
          s.payload.title.split(': ')[1].split('.')[0],
          s.payload.severity,
        ]),
      );
      expect(severities).toEqual({
        b20: 'normal',
        c10: 'normal',
        'team-only12': 'normal',
        d5: 'high',
        e05: 'critical',
        'f-expired': 'critical',
      });
      const teamOnly = notifications.sent.find(s =>
        s.payload.title.includes('team-only12'),
      )!;
      expect(teamOnly.recipients).toEqual({
        type: 'entity',
        entityRef: [TEAM],
      });
      expect(teamOnly.payload.link).toBe(
        `/certificates?certificate=${row('team-only12', 12).id}&view=all`,
      );

      // Same instant, a restart, or another instance: nothing more.
      expect(await notifier.run()).toEqual({ sent: 0, failed: 0 });
      clock.set(T0 + 2 * 60 * 60 * 1000);
      expect(await notifier.run()).toEqual({ sent: 0, failed: 0 });
      expect(notifications.send).toHaveBeenCalledTimes(6);

      // A day later e05 has expired: exactly one more, at its own step.
      clock.set(T0 + DAY);
      expect(await notifier.run()).toEqual({ sent: 1, failed: 0 });
      expect(notifications.titles()[6]).toBe(
        'Certificate has expired: e05.example.com (prod/payments/e05)',
      );
      // Three days in, c10 is at 7 days; b20 (17), team-only12 (9) and d5 (2)
      // stay on their step.
      clock.set(T0 + 3 * DAY);
      expect(await notifier.run()).toEqual({ sent: 1, failed: 0 });
      expect(notifications.titles()[7]).toBe(
        'Certificate expires within 7 days: c10.example.com (prod/payments/c10)',
      );
      expect(await notifier.run()).toEqual({ sent: 0, failed: 0 });

      // d5 is renewed (new leaf, short-lived again): its 7-day notice is new.
      await store.upsertCertificates(
        [row('d5', 6, { fingerprint: 'dd', from: T0 + 3 * DAY })],
        inDays(3),
      );
      expect(await notifier.run()).toEqual({ sent: 1, failed: 0 });
      const renewed = notifications.sent[8];
      expect(renewed.payload.title).toBe(
        'Certificate expires within 7 days: d5.example.com (prod/payments/d5)',
      );
      expect(renewed.payload.scope).toBe(
        `certificates:expiry:${row('d5', 5).id}:${'dd'.padEnd(64, '0')}`,
      );
      expect(await notifier.run()).toEqual({ sent: 0, failed: 0 });
      expect(notifications.send).toHaveBeenCalledTimes(9);
    },
  );

  db.test(
    'pages through 1,200 due certificates (ties on notAfter) and notifies each once, also with two instances at once',
    async ({ knex }) => {
      const { store, notifications, notifierFor } = await setup(knex);
      const rows = Array.from({ length: 1300 }, (_, i) =>
        // Three expiry instants shared by 400 rows each; every 13th row unowned.
        row(`s${String(i).padStart(4, '0')}`, [3, 10, 20][i % 3], {
          owned: i % 13 !== 0,
          fingerprint: i.toString(16).padStart(8, '0'),
        }),
      );
      for (let i = 0; i < rows.length; i += 250) {
        await store.upsertCertificates(rows.slice(i, i + 250), inDays(-1));
      }
      const owned = rows.filter(r => r.ownerRef);
      expect(owned.length).toBe(1200);

      const other = recordingNotifications();
      const [a, b] = await Promise.all([
        notifierFor().run(),
        notifierFor(other).run(),
      ]);
      expect(a.sent + b.sent).toBe(1200);
      const scopes = [...notifications.sent, ...other.sent].map(
        s => s.payload.scope,
      );
      expect(new Set(scopes).size).toBe(1200);
      expect(new Set(scopes.map(s => s!.split(':')[2]))).toEqual(
        new Set(owned.map(r => r.id)),
      );

      expect(await notifierFor().run()).toEqual({ sent: 0, failed: 0 });
      expect(notifications.sent.length + other.sent.length).toBe(1200);
    },
  );

  db.test(
    'names a certificate the portal issued to a CSR by its location, not as a Secret in a cluster',
    async ({ knex }) => {
      const { store, notifications, notifier } = await setup(knex);
      const portal = row('request-r1', 5);
      await store.upsertCertificates(
        [
          {
            ...portal,
            ...testRow({
              cluster: '',
              namespace: 'default',
              name: 'request-r1',
            }),
            id: 'portal-r1',
            location: 'portal',
            status: portal.status,
            entityRef: portal.entityRef,
            ownerRef: portal.ownerRef,
            details: portal.details,
          },
        ],
        inDays(-1),
      );
      expect(await notifier.run()).toEqual({ sent: 1, failed: 0 });
      const [sent] = notifications.sent;
      expect(sent.payload.title).toBe(
        'Certificate expires within 7 days: request-r1.example.com (portal request-r1)',
      );
      expect(sent.payload.description).toContain(
        'install the new certificate where this one is used.',
      );
      expect(sent.payload.description).not.toContain('Secret');
    },
  );

  db.test(
    'notifies an endpoint only for a certificate no owned Secret holds: once for a served copy, again for a stale one',
    async ({ knex }) => {
      const { store, notifications, notifier } = await setup(knex);
      const atEndpoint = (
        of: ReturnType<typeof row>,
        host: string,
      ): ReturnType<typeof row> => ({
        ...of,
        id: `endpoint-${host}`,
        location: 'endpoint',
        cluster: '',
        namespace: '',
        secretName: `${host}:443`,
      });
      const secret = row('aa', 5, { fingerprint: 'aa' });
      // The Secret was renewed, the server still serves last month's copy.
      const stale = row('bb', 3, { fingerprint: 'bb' });
      const renewed = row('bb', 60, { fingerprint: 'b2' });
      // An endpoint of a certificate whose Secret nobody owns: the only notice.
      const orphan = row('cc', 4, { fingerprint: 'cc', owned: false });
      await store.upsertCertificates(
        [
          secret,
          atEndpoint(secret, 'aa.example.com'),
          renewed,
          atEndpoint(stale, 'bb.example.com'),
          orphan,
          atEndpoint(row('cc', 4, { fingerprint: 'cc' }), 'cc.example.com'),
        ],
        inDays(-1),
      );
      expect(await notifier.run()).toEqual({ sent: 3, failed: 0 });
      expect(notifications.titles().sort()).toEqual([
        'Certificate expires within 7 days: aa.example.com (prod/payments/aa)',
        'Certificate expires within 7 days: bb.example.com (endpoint bb.example.com:443)',
        'Certificate expires within 7 days: cc.example.com (endpoint cc.example.com:443)',
      ]);
    },
  );

  it('gives claims back when sending fails, stops after three failures, and does nothing without the service', async () => {
    const { knex, store, notifications, notifier, notifierFor } = await setup(
      await db.migrated('SQLITE_3'),
    );
    await store.upsertCertificates(
      [row('x1', 1), row('x2', 2), row('x3', 3), row('x4', 4)],
      inDays(-1),
    );

    const failing = recordingNotifications();
    failing.send.mockRejectedValue(new Error('notifications backend down'));
    expect(await notifierFor(failing as any).run()).toEqual({
      sent: 0,
      failed: 3,
    });
    const [{ n }] = await knex('certificates_expiry_notices').count({ n: '*' });
    expect(Number(n)).toBe(0);

    const silent = ExpiryNotifier.create({
      knex,
      logger: mockServices.logger.mock(),
    });
    expect(await silent.run()).toEqual({ sent: 0, failed: 0 });

    expect(await notifier.run()).toEqual({ sent: 4, failed: 0 });
    expect(notifications.send).toHaveBeenCalledTimes(4);
  });

  it('forgets notices once their certificate can no longer be due', async () => {
    const { knex, store, notifications, notifier, clock } = await setup(
      await db.migrated('SQLITE_3'),
    );
    await store.upsertCertificates([row('z1', 1)], inDays(-1));
    const notices = async () =>
      Number(
        (await knex('certificates_expiry_notices').count({ n: '*' }))[0].n,
      );

    await notifier.run();
    clock.set(T0 + 20 * DAY);
    await notifier.run();
    expect(notifications.titles()).toEqual([
      'Certificate expires within 1 day: z1.example.com (prod/payments/z1)',
      'Certificate has expired: z1.example.com (prod/payments/z1)',
    ]);
    expect(await notices()).toBe(2);
    // Expired 61 days ago: out of the window; a notice is pruned 61 days
    // after it was sent (twice the window and a day).
    clock.set(T0 + 62 * DAY);
    expect(await notifier.run()).toEqual({ sent: 0, failed: 0 });
    expect(await notices()).toBe(1);
    clock.set(T0 + 82 * DAY);
    expect(await notifier.run()).toEqual({ sent: 0, failed: 0 });
    expect(await notices()).toBe(0);
    expect(notifications.send).toHaveBeenCalledTimes(2);
  });

  it('takes configured thresholds', async () => {
    const { knex, store, notifications } = await setup(
      await db.migrated('SQLITE_3'),
    );
    await store.upsertCertificates([row('y50', 50), row('y5', 5)], inDays(-1));
    const notifier = ExpiryNotifier.create({
      knex,
      notifications,
      logger: mockServices.logger.mock(),
      thresholdsDays: [3, 60],
      now: () => new Date(T0),
    });
    await notifier.run();
    expect(notifications.titles().sort()).toEqual([
      'Certificate expires within 60 days: y5.example.com (prod/payments/y5)',
      'Certificate expires within 60 days: y50.example.com (prod/payments/y50)',
    ]);
    expect(() =>
      ExpiryNotifier.create({
        knex,
        logger: mockServices.logger.mock(),
        thresholdsDays: [0],
      }),
    ).toThrow(/whole days greater than 0/);
  });
});
