export { applyDatabaseMigrations } from './migrations';
// For the composition root (settings of the embedded database) and for a
// start-up rule that depends on which database this is; the SQLite writers
// and checkpointer stay behind the stores (./sqlite).
export { configureSqlite, insertRows, isSqlite } from './sqlite';
export { isPostgres } from './postgres';
export { runInUnitOfWork, asUnitOfWork, transactionOf } from './unitOfWork';
export type { UnitOfWork } from './unitOfWork';
