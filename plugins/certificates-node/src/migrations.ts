import { DatabaseService } from '@backstage/backend-plugin-api';

/**
 * Runs knex migrations to the latest, waiting while another replica holds
 * the migration lock (replicas starting together on one database): knex
 * refuses at once with `MigrationLocked`, and the replica would not start.
 *
 * @public
 */
export async function migrateToLatest(options: {
  /** The plugin's database client (`DatabaseService.getClient()`). */
  knex: Awaited<ReturnType<DatabaseService['getClient']>>;
  directory: string;
  tableName: string;
  /** How long to wait for another replica's migrations. Default 2 minutes. */
  waitMs?: number;
}): Promise<void> {
  const until = Date.now() + (options.waitMs ?? 120_000);
  for (;;) {
    try {
      await options.knex.migrate.latest({
        directory: options.directory,
        tableName: options.tableName,
      });
      return;
    } catch (e) {
      if ((e as Error)?.name !== 'MigrationLocked' || Date.now() > until) {
        throw e;
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  }
}
