import path from 'path';
import { Worker } from 'worker_threads';
import { Knex } from 'knex';

/** Runs in the worker: its own connection checkpoints the WAL on a timer. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { timeout: 5000 });
const timer = setInterval(() => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.log > 0) parentPort.postMessage({ checkpointed: r.checkpointed, log: r.log });
  } catch (e) {
    parentPort.postMessage({ error: String(e) });
  }
}, workerData.intervalMs);
parentPort.on('message', m => {
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

interface SqliteConnection {
  pragma(source: string): unknown;
}

const checkpointers = new WeakMap<Knex, SqliteCheckpointer>();

/**
 * Moves WAL checkpoints of the embedded SQLite file off the event loop.
 * SQLite checkpoints automatically inside the commit that crosses 1000 WAL
 * pages: copying the pages back and syncing the file took 5–25 ms, so every
 * few hundredth inventory write waited that long. Here a worker thread with
 * its own connection checkpoints passively (never blocking writers) every
 * `intervalMs`, and the writing connections stop checkpointing themselves.
 * Should the worker fail, automatic checkpoints are switched back on.
 */
export class SqliteCheckpointer {
  private worker: Worker | undefined;
  /** Checkpoints that copied WAL frames (for tests and metrics). */
  checkpoints = 0;

  private constructor(
    private readonly knex: Knex,
    private readonly filename: string,
    private readonly intervalMs: number,
  ) {}

  /** Starts one checkpointer per knex instance of a SQLite file; else undefined. */
  static forKnex(
    knex: Knex,
    options: { intervalMs?: number } = {},
  ): SqliteCheckpointer | undefined {
    const config = knex.client?.config;
    if (String(config?.client ?? '') !== 'better-sqlite3') return undefined;
    const filename = (config?.connection as { filename?: string } | undefined)
      ?.filename;
    if (!filename || filename === ':memory:' || filename.startsWith('file:'))
      return undefined;
    let c = checkpointers.get(knex);
    if (!c) {
      c = new SqliteCheckpointer(knex, filename, options.intervalMs ?? 1000);
      checkpointers.set(knex, c);
      c.start();
    }
    return c;
  }

  stop(): void {
    this.worker?.postMessage('stop');
    this.worker = undefined;
  }

  private start() {
    let driver: string;
    try {
      driver = require.resolve('better-sqlite3', {
        paths: [path.dirname(require.resolve('knex'))],
      });
    } catch {
      return;
    }
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver,
        filename: path.resolve(this.filename),
        intervalMs: this.intervalMs,
      },
    });
    this.worker = worker;
    const pool = this.knex.client.pool;
    const onCreate = (_id: unknown, conn: SqliteConnection) =>
      this.setAuto(conn, false);
    pool?.on('createSuccess', onCreate);
    this.knex.raw('PRAGMA wal_autocheckpoint = 0').catch(() => undefined);
    worker.on('message', (m: { log?: number }) => {
      if (m.log) this.checkpoints++;
    });
    const fallBack = () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      pool?.removeListener?.('createSuccess', onCreate);
      this.knex.raw('PRAGMA wal_autocheckpoint = 1000').catch(() => undefined);
    };
    worker.on('error', fallBack);
    worker.on('exit', fallBack);
    // Listeners first: adding one refs the worker again.
    worker.unref();
  }

  private setAuto(conn: SqliteConnection, on: boolean) {
    if (typeof conn?.pragma === 'function')
      conn.pragma(`wal_autocheckpoint = ${on ? 1000 : 0}`);
  }
}
