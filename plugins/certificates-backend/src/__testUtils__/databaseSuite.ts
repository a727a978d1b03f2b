/* eslint-disable jest/no-export, jest/expect-expect, jest/valid-title -- a helper that registers the tests of the suites that call it, with their assertions */
import { Knex } from 'knex';
import { DatabaseId, migratedDatabase, testDatabases } from './fixtures';
import { createHarness, Harness, HarnessOptions } from './harness';
import { startCertificatesBackend, TestBackendOptions } from './testBackend';

/** What a test of a database suite gets: its own freshly migrated database. */
export interface DatabaseTestContext {
  databaseId: DatabaseId;
  knex: Knex;
  /** The plugin's services (createHarness) on this test's database. */
  harness(options?: Omit<HarnessOptions, 'knex'>): Promise<Harness>;
  /** The plugin on a test backend over this test's database. */
  startBackend(
    options?: Omit<TestBackendOptions, 'knex'>,
  ): ReturnType<typeof startCertificatesBackend>;
}

/**
 * The databases of one suite (both, see testDatabases). `test` runs a test
 * once per database on a fresh migrated database, and names each run after
 * its database (", \"SQLITE_3\""), so a failure says where it failed.
 *
 * The suite's variable is `db`: the package's lint config knows `db.test` as
 * a test block.
 */
export function databaseSuite<T extends object = object>(
  /** What every test of the suite starts from on its database, e.g. the store under test. */
  fixture?: (knex: Knex) => T | Promise<T>,
) {
  const databases = testDatabases();
  /** A test's context on a fresh migrated database of `databaseId`. */
  async function context(databaseId: DatabaseId): Promise<DatabaseTestContext> {
    const knex = await migratedDatabase(databases, databaseId);
    return {
      databaseId,
      knex,
      harness: options =>
        createHarness(databases, databaseId, { ...options, knex }),
      startBackend: options => startCertificatesBackend({ ...options, knex }),
    };
  }
  return {
    databases,
    context,
    /** Another fresh migrated database, e.g. a second deployment's. */
    migrated: (databaseId: DatabaseId) =>
      migratedDatabase(databases, databaseId),
    test(
      name: string,
      fn: (context: DatabaseTestContext & T) => Promise<void>,
      timeout?: number,
    ) {
      it.each(databases.eachSupportedId())(
        `${name}, %p`,
        async databaseId => {
          const base = await context(databaseId);
          const extra = fixture ? await fixture(base.knex) : ({} as T);
          await fn({ ...base, ...extra });
        },
        timeout,
      );
    },
  };
}

export type DatabaseSuite = ReturnType<typeof databaseSuite<object>>;

/** A describe block of tests on every database; `db` is its databaseSuite. */
export function describeDatabases(
  name: string,
  body: (db: DatabaseSuite) => void,
) {
  describe(name, () => {
    body(databaseSuite());
  });
}
