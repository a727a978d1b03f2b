export { applyDatabaseMigrations } from './migrations';
