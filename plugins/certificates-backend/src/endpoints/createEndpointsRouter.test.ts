import { describeDatabases, ownerOnlyPermissions } from '../__testUtils__';
import { DatabaseInventoryStore } from '../inventory/store';
import { testRow } from '../inventory/store/testRows';
import { EndpointStatusStore } from './EndpointStatusStore';

describeDatabases('GET /certificates/:id/endpoint', db => {
  db.test(
    "answers an endpoint's scan status to whoever may read its certificate, and 404 to anyone else",
    async ({ knex, startBackend }) => {
      const endpointRow = (host: string, ownerRef: string) => ({
        ...testRow({ cluster: '', namespace: '', name: `${host}:443` }),
        id: `endpoint-${host}`,
        location: 'endpoint' as const,
        ownerRef,
      });
      const ours = endpointRow('ours.example.com', 'group:default/team-a');
      const theirs = endpointRow('theirs.example.com', 'group:default/team-b');
      const secret = testRow({ name: 'web', ownerRef: 'group:default/team-a' });
      await DatabaseInventoryStore.create({ knex }).upsertCertificates(
        [ours, theirs, secret],
        '2026-11-28T10:00:00.000Z',
      );
      const statuses = EndpointStatusStore.create({ knex });
      const statusOf = (row: typeof ours) => ({
        id: row.id,
        host: row.secretName.replace(/:443$/, ''),
        port: 443,
        source: 'annotation',
        origin: 'component:default/shop',
        resolvedAddress: '192.0.2.10',
        lastAttemptAt: '2026-11-28T11:00:00.000Z',
        lastError: 'connection refused',
        lastDurationMs: 12,
      });
      await statuses.record([ours, theirs].map(statusOf));
      // team-a's developer may read team-a's certificates; bob none.
      const permissions = ownerOnlyPermissions({
        owner: 'alice',
        claims: ['group:default/team-a'],
        denied: 'bob',
      });
      const backend = await startBackend({ permissions });
      try {
        const path = (id: string) =>
          `/certificates/${encodeURIComponent(id)}/endpoint`;
        const mine = await backend.get(path(ours.id), 'alice');
        expect(mine.status).toBe(200);
        expect(mine.body).toEqual(statusOf(ours));
        // Another team's endpoint is as missing as one that does not exist.
        const other = await backend.get(path(theirs.id), 'alice');
        expect(other.status).toBe(404);
        expect((await backend.get(path('nothing'), 'alice')).status).toBe(404);
        // A Secret's row has no endpoint status.
        expect((await backend.get(path(secret.id), 'alice')).status).toBe(404);
        expect((await backend.get(path(ours.id), 'bob')).status).toBe(403);
        expect((await backend.get(path(ours.id), 'none')).status).toBe(401);
        // Automation reads like anyone the policy admits.
        expect((await backend.get(path(theirs.id), 'service')).status).toBe(
          200,
        );
        expect(
          (await backend.get(`/certificates/a%01b/endpoint`, 'alice')).status,
        ).toBe(400);
      } finally {
        await backend.stop();
      }
    },
  );
});
