export { applyDatabaseMigrations } from './migrations';
export { configureSqlite } from './sqliteSettings';
