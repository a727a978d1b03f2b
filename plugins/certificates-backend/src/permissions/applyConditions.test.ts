import { CERTIFICATE_RESOURCE_TYPE } from '@kubecerts/backstage-plugin-certificates-common';
import { databaseSuite } from '../__testUtils__';
import { DatabaseInventoryStore } from '../inventory/store';
import { testRow } from '../inventory/store/testRows';
import { certificateConditions } from './conditionExports';

/*
 * A conditional decision on one certificate (may this user renew it?) is
 * applied by the permission framework through the plugin's
 * apply-conditions endpoint, which loads the rows by id: the browser asks
 * it for the renew and revoke buttons of a certificate.
 */
describe('conditional decisions on certificates, applied by the framework', () => {
  const db = databaseSuite();

  db.test(
    'loads each certificate by id and applies the conditions to it',
    async ({ knex, startBackend }) => {
      const store = DatabaseInventoryStore.create({ knex });
      const ours = testRow({ name: 'ours', ownerRef: 'group:default/team-a' });
      const theirs = testRow({
        name: 'theirs',
        ownerRef: 'group:default/team-b',
      });
      const unowned = testRow({ name: 'unowned', findings: ['unowned'] });
      await store.upsertCertificates(
        [ours, theirs, unowned],
        '2026-11-28T10:00:00.000Z',
      );
      const backend = await startBackend();
      try {
        const conditions = certificateConditions.isEntityOwner({
          claims: ['group:default/team-a'],
        });
        const item = (id: string, resourceRef: string) => ({
          id,
          resourceRef,
          resourceType: CERTIFICATE_RESOURCE_TYPE,
          conditions,
        });
        const res = await backend
          .post(
            '/.well-known/backstage/permissions/apply-conditions',
            'service',
          )
          .send({
            items: [
              item('1', ours.id),
              item('2', theirs.id),
              item('3', unowned.id),
              item('4', 'no-such-certificate'),
            ],
          });
        expect(res.status).toBe(200);
        expect(res.body.items).toEqual([
          { id: '1', result: 'ALLOW' },
          { id: '2', result: 'DENY' },
          { id: '3', result: 'DENY' },
          { id: '4', result: 'DENY' },
        ]);
      } finally {
        await backend.stop();
      }
    },
  );
});
