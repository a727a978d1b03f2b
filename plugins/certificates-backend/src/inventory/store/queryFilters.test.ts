import knexFactory, { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../database';
import { CertificateListFilter } from '@kubecerts/backstage-plugin-certificates-common';
import {
  TABLE,
  applyListFilter,
  applyListOrder,
  applyPermissionFilter,
} from './queryFilters';
import { CertificatePermissionFilter } from './types';

/**
 * SQLite keeps no statistics for the inventory, so the order of a list decides
 * the plan: these check that an entity's or owner's list is found through its
 * index and sorted, and that the inventory's lists walk the expiry index.
 */
describe('list order on SQLite', () => {
  let knex: Knex;

  beforeAll(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await applyDatabaseMigrations({ knex });
  });

  afterAll(async () => {
    await knex.destroy();
  });

  async function plan(
    filter: CertificateListFilter,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<string> {
    const qb = knex(TABLE).select('id');
    applyListFilter(qb, filter);
    applyPermissionFilter(qb, permissionFilter);
    applyListOrder(qb, {
      column: 'not_after',
      order: 'asc',
      filter,
      permissionFilter,
      sqlite: true,
    }).limit(51);
    const { sql, bindings } = qb.toSQL().toNative();
    const rows = await knex.raw(`explain query plan ${sql}`, bindings);
    return rows.map((r: { detail: string }) => r.detail).join(' | ');
  }

  it('finds an entity list by the entity index and sorts it', async () => {
    const p = await plan({ entityRef: ['component:default/web'] });
    expect(p).toContain('certificates_inventory_entity_idx');
    expect(p).toContain('TEMP B-TREE FOR ORDER BY');
    expect(p).not.toContain('certificates_inventory_expiry_idx');
  });

  it('finds an owner list by the owner index and sorts it', async () => {
    const p = await plan({ owner: ['group:default/team-a'] });
    expect(p).toContain('certificates_inventory_owner_idx');
    expect(p).not.toContain('certificates_inventory_expiry_idx');
  });

  it('sorts the rows a permission decision restricts to owners', async () => {
    const p = await plan(
      {},
      {
        allOf: [
          {
            key: 'owner_ref',
            values: ['group:default/team-a', 'user:default/ann'],
          },
          { not: { key: 'issuer', values: ['CN=Old CA'] } },
        ],
      },
    );
    expect(p).toContain('certificates_inventory_owner_idx');
    expect(p).not.toContain('certificates_inventory_expiry_idx');
    expect(p).toContain('TEMP B-TREE FOR ORDER BY');
  });

  it('walks the expiry index, in order, for the inventory and its cluster filter', async () => {
    for (const filter of [{}, { cluster: ['prod'] }]) {
      const p = await plan(filter);
      expect(p).toContain('certificates_inventory_expiry_idx');
      expect(p).not.toContain('TEMP B-TREE');
    }
  });

  it('keeps the index order when a decision does not restrict to owners or entities', async () => {
    const p = await plan(
      {},
      {
        anyOf: [
          { key: 'owner_ref', values: ['group:default/team-a'] },
          { key: 'issuer', values: ['CN=Corp CA'] },
        ],
      },
    );
    expect(p).toContain('certificates_inventory_expiry_idx');
    expect(p).not.toContain('TEMP B-TREE');
  });
});
