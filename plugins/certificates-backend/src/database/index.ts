export { applyDatabaseMigrations } from './migrations';
export { configureSqlite, isSqlite } from './sqliteSettings';
export { SqliteCheckpointer } from './SqliteCheckpointer';
