// SQLite-only tuning, measured (see each file). Stores pick these up behind
// their interfaces; services never import from here.
export { configureSqlite, isSqlite } from './sqliteSettings';
export { SqliteCheckpointer } from './SqliteCheckpointer';
export { SqliteRowWriter } from './SqliteRowWriter';
export type { WriteOps, HistoryRecord } from './SqliteRowWriter';
export { insertRows } from './insertRows';
