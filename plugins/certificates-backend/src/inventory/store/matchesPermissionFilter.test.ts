import { DatabaseInventoryStore } from './DatabaseInventoryStore';
import { matchesPermissionFilter } from '../../permissions';
import { testRow } from './testRows';
import { CertificatePermissionFilter } from './types';
import { databaseSuite } from '../../__testUtils__';

const owners = [
  undefined,
  'group:default/payments',
  'group:default/storefront',
];
const entities = [undefined, 'component:default/payments-api'];
const issuers = ['CN=Portal CA', 'CN=Other CA'];

const leafs: CertificatePermissionFilter[] = [
  { key: 'owner_ref', values: ['group:default/payments'] },
  { key: 'owner_ref', values: ['group:default/payments', 'user:default/x'] },
  { key: 'entity_ref', values: ['component:default/payments-api'] },
  { key: 'issuer', values: ['CN=Portal CA'] },
  { key: 'owner_ref', values: [] },
];

/** Leafs, and every combination of two under allOf, anyOf and not. */
const criteria: CertificatePermissionFilter[] = [
  ...leafs,
  ...leafs.map(c => ({ not: c })),
  ...leafs.flatMap(a =>
    leafs.flatMap(b => [
      { allOf: [a, b] },
      { anyOf: [a, { not: b }] },
      { not: { anyOf: [a, b] } },
      { not: { allOf: [{ not: a }, b] } },
    ]),
  ),
  { allOf: [] },
  { anyOf: [] },
  { not: { allOf: [] } },
  { not: { anyOf: [] } },
] as CertificatePermissionFilter[];

describe('matchesPermissionFilter', () => {
  const db = databaseSuite();

  db.test(
    'decides as the SQL filter decides for rows, missing values included',
    async ({ knex }) => {
      const store = DatabaseInventoryStore.create({ knex });
      const rows = owners.flatMap((ownerRef, o) =>
        entities.flatMap((entityRef, e) =>
          issuers.map((issuer, i) =>
            testRow({
              name: `tls-${o}-${e}-${i}`,
              ownerRef,
              entityRef,
              leaf: { issuer },
            }),
          ),
        ),
      );
      await store.upsertCertificates(rows, '2026-12-06T00:00:00.000Z');
      for (const c of criteria) {
        const listed = (
          await store.listCertificates({
            filter: {},
            permissionFilter: c,
            limit: 100,
          })
        ).items
          .map(i => i.id)
          .sort();
        const matched = rows
          .filter(r =>
            matchesPermissionFilter(c, {
              owner_ref: r.ownerRef,
              entity_ref: r.entityRef,
              issuer: r.details.leaf?.issuer,
            }),
          )
          .map(r => r.id)
          .sort();
        expect({ criteria: c, ids: matched }).toEqual({
          criteria: c,
          ids: listed,
        });
      }
    },
  );

  it('lets an unconditional decision through and keeps a missing owner out', () => {
    const subject = {
      owner_ref: undefined,
      entity_ref: 'component:default/payments-api',
      issuer: 'CN=Portal CA',
    };
    expect(matchesPermissionFilter(undefined, subject)).toBe(true);
    const owner = { key: 'owner_ref' as const, values: ['group:default/x'] };
    expect(matchesPermissionFilter(owner, subject)).toBe(false);
    expect(matchesPermissionFilter({ not: owner }, subject)).toBe(false);
    expect(
      matchesPermissionFilter(owner, {
        ...subject,
        owner_ref: 'group:default/x',
      }),
    ).toBe(true);
  });
});
