import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { migrateToLatest } from '@kubecerts/backstage-plugin-certificates-node';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@kubecerts/backstage-plugin-certificates-backend',
  'migrations',
);

/** Runs the plugin's migrations unless the database service says to skip them. */
export async function applyDatabaseMigrations(options: {
  knex: Knex;
  database?: DatabaseService;
}): Promise<void> {
  if (options.database?.migrations?.skip) {
    return;
  }
  // Replicas starting together wait for the first one's migrations.
  await migrateToLatest({
    knex: options.knex,
    directory: migrationsDir,
    tableName: 'certificates_knex_migrations',
  });
}
