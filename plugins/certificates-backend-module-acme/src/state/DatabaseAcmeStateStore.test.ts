import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseAcmeStateStore } from './DatabaseAcmeStateStore';

const SECRET = 'test-encryption-key-of-at-least-32-chars';
const KEY_A = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
const KEY_B = '-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n';

describe('DatabaseAcmeStateStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(databaseId: Parameters<TestDatabases['init']>[0]) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({
      directory: path.resolve(__dirname, '../../migrations'),
      tableName: 'certificates_acme_knex_migrations',
    });
    const replica = (options: { encryptionKey?: string } = {}) =>
      DatabaseAcmeStateStore.create({
        knex,
        issuerId: 'le',
        encryptionKey: SECRET,
        ...options,
      });
    return { knex, replica };
  }

  it.each(databases.eachSupportedId())(
    'an order saved on one replica is resumed on another; old orders are forgotten, %p',
    async databaseId => {
      const { replica } = await setup(databaseId);
      const [a, b] = [replica(), replica()];
      const createdAt = new Date().toISOString();
      await a.saveOrder('r1', {
        orderUrl: 'https://ca/o/1',
        csrSha256: 'aa',
        createdAt,
      });
      expect(await b.getOrder('r1')).toEqual({
        orderUrl: 'https://ca/o/1',
        csrSha256: 'aa',
        createdAt,
      });
      await b.saveOrder('r1', {
        orderUrl: 'https://ca/o/2',
        csrSha256: 'bb',
        createdAt,
      });
      expect((await a.getOrder('r1'))?.orderUrl).toBe('https://ca/o/2');
      expect(await a.getOrder('toString')).toBeUndefined();

      await a.saveOrder('old', {
        orderUrl: 'u',
        csrSha256: 'x',
        createdAt: '2000-01-01T00:00:00.000Z',
      });
      await a.saveOrder('r2', { orderUrl: 'v', csrSha256: 'y', createdAt });
      expect(await b.getOrder('old')).toBeUndefined();
      expect(await b.getOrder('r2')).toBeDefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'replicas generating an account key at once all use the first stored, kept encrypted, %p',
    async databaseId => {
      const { knex, replica } = await setup(databaseId);
      const [a, b] = [replica(), replica()];
      expect(await a.getAccountKey()).toBeUndefined();
      await Promise.all([a.saveAccountKey(KEY_A), b.saveAccountKey(KEY_B)]);
      const kept = await a.getAccountKey();
      expect([KEY_A, KEY_B]).toContain(kept);
      expect(await b.getAccountKey()).toBe(kept);

      const rows = await knex('certificates_acme_accounts');
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toMatch(/PRIVATE KEY|AAAA|BBBB/);
      await expect(
        replica({
          encryptionKey: 'another-encryption-key-of-32-characters',
        }).getAccountKey(),
      ).rejects.toThrow();
    },
  );

  it.each(databases.eachSupportedId())(
    'without an encryption key the account key never reaches the database, %p',
    async databaseId => {
      const { knex } = await setup(databaseId);
      let local: string | undefined;
      const store = DatabaseAcmeStateStore.create({
        knex,
        issuerId: 'le',
        accountKeys: {
          getAccountKey: async () => local,
          saveAccountKey: async pem => {
            local = pem;
          },
        },
      });
      await store.saveAccountKey(KEY_A);
      expect(await store.getAccountKey()).toBe(KEY_A);
      expect(await knex('certificates_acme_accounts')).toEqual([]);
    },
  );
});
