import path from 'path';
import { Worker } from 'worker_threads';
import { Knex } from 'knex';

/** Runs in the worker: its own connection checkpoints the WAL on a timer. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { timeout: 5000 });
const checkpoint = () => {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  return r || { busy: 0, log: 0, checkpointed: 0 };
};
// A frame is a page plus its 24-byte header.
const limitFrames =
  workerData.walLimitBytes / (db.pragma('page_size', { simple: true }) + 24);
const timer = setInterval(() => {
  try {
    // Past the limit, the writers are told at once (they then wait for a
    // drain): catching up first, while they kept writing, let the log run
    // far past the limit whenever this thread got little CPU.
    const r = checkpoint();
    if (r.log > 0)
      parentPort.postMessage({ checkpointed: r.checkpointed, log: r.log, overLimit: r.log > limitFrames });
  } catch (e) {
    parentPort.postMessage({ error: String(e) });
  }
}, workerData.intervalMs);
parentPort.postMessage({ ready: true });
parentPort.on('message', m => {
  if (m === 'drain') {
    // The writer waits: a pass or two copies what is left of the log.
    let r = { log: 0, checkpointed: 0 };
    try {
      for (let pass = 0; pass < 5; pass++) {
        r = checkpoint();
        if (r.checkpointed >= r.log) break;
      }
    } catch (e) {
      parentPort.postMessage({ error: String(e) });
    }
    parentPort.postMessage({ drained: true, checkpointed: r.checkpointed, log: r.log });
  } else if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

interface SqliteConnection {
  pragma(source: string): unknown;
}

interface WorkerReport {
  log?: number;
  checkpointed?: number;
  /** The log is past `walLimitBytes`. */
  overLimit?: boolean;
  drained?: boolean;
  /** The worker has its connection open and its timer running. */
  ready?: boolean;
  error?: string;
}

/** The log's size past which writers wait for it to be copied whole. */
const DEFAULT_WAL_LIMIT_BYTES = 64 * 1024 * 1024;

const checkpointers = new WeakMap<Knex, SqliteCheckpointer>();

/**
 * Moves WAL checkpoints of the embedded SQLite file off the event loop.
 * SQLite checkpoints automatically inside the commit that crosses 1000 WAL
 * pages: copying the pages back and syncing the file took 5–25 ms, so every
 * few hundredth inventory write waited that long. Here a worker thread with
 * its own connection checkpoints passively (never blocking writers) every
 * `intervalMs`, and the writing connections stop checkpointing themselves.
 * Should the worker fail, automatic checkpoints are switched back on.
 *
 * A passive checkpoint never holds up a writer, so it cannot end a WAL that
 * is written faster than it is copied: SQLite starts the log over only when a
 * write begins after a checkpoint has copied all of it. Under sustained
 * writes (a first scan, a resync, a burst of renewals) the log grew without
 * bound: 1.8 GB after a 100,000-row scan of a 490 MB database. When a
 * checkpoint reports more than `walLimitBytes` in the log, writers that
 * honour `pauseFor` (the inventory's and issuing batches) wait while the
 * worker copies the rest, which is what was written during that checkpoint;
 * their next write starts the log over, and `journal_size_limit` cuts the
 * file back to four times the limit. The writers are told after the first
 * checkpoint past the limit: letting the worker catch up first, while they
 * kept writing, let the log reach 37 times the limit in a test when the
 * worker got little CPU.
 */
export class SqliteCheckpointer {
  private worker: Worker | undefined;
  /** Checkpoints that copied WAL frames (for tests and metrics). */
  checkpoints = 0;
  /** Times writers waited for the log to be copied whole (tests, metrics). */
  drains = 0;
  private draining: Promise<void> | undefined;
  /** The worker's last error, or why it ended (tests, diagnosis). */
  lastError: string | undefined;
  private resolveReady: (() => void) | undefined;
  /**
   * Resolves once the worker has its connection open (or has failed, and
   * automatic checkpoints are back): starting a thread that loads the driver
   * took seconds on a loaded machine, and writes until then only add to the
   * log.
   */
  readonly ready = new Promise<void>(resolve => {
    this.resolveReady = resolve;
  });

  private constructor(
    private readonly knex: Knex,
    private readonly filename: string,
    private readonly intervalMs: number,
    private readonly walLimitBytes: number,
  ) {}

  /**
   * While the checkpointer of `knex` copies the whole log, a promise for a
   * writer to wait for before its next write; else undefined (the usual
   * case, with nothing to await).
   */
  static pauseFor(knex: Knex): Promise<void> | undefined {
    return checkpointers.get(knex)?.draining;
  }

  /** Starts one checkpointer per knex instance of a SQLite file; else undefined. */
  static forKnex(
    knex: Knex,
    options: { intervalMs?: number; walLimitBytes?: number } = {},
  ): SqliteCheckpointer | undefined {
    const config = knex.client?.config;
    if (String(config?.client ?? '') !== 'better-sqlite3') return undefined;
    const filename = (config?.connection as { filename?: string } | undefined)
      ?.filename;
    if (!filename || filename === ':memory:' || filename.startsWith('file:'))
      return undefined;
    let c = checkpointers.get(knex);
    if (!c) {
      c = new SqliteCheckpointer(
        knex,
        filename,
        options.intervalMs ?? 1000,
        options.walLimitBytes ?? DEFAULT_WAL_LIMIT_BYTES,
      );
      checkpointers.set(knex, c);
      c.start();
    }
    return c;
  }

  stop(): void {
    this.worker?.postMessage('stop');
    this.worker = undefined;
    this.resolveReady?.();
    this.endDrain();
  }

  private resolveDrain: (() => void) | undefined;
  /** The log's length when a drain last copied all of it. */
  private drainedLog: number | undefined;

  private endDrain() {
    const resolve = this.resolveDrain;
    this.draining = undefined;
    this.resolveDrain = undefined;
    resolve?.();
  }

  /** A checkpoint's report: past the limit, writers wait for a drain. */
  private onReport(worker: Worker, m: WorkerReport) {
    if (m.ready) {
      this.resolveReady?.();
      return;
    }
    if (m.error) this.lastError = m.error;
    if (m.drained) {
      this.drains++;
      this.drainedLog = m.checkpointed === m.log ? m.log : undefined;
      this.endDrain();
      return;
    }
    if (m.log) this.checkpoints++;
    if (
      m.overLimit &&
      !this.draining &&
      // Copied whole and nothing written since: the next write starts over.
      !(m.log === this.drainedLog && m.checkpointed === m.log)
    ) {
      this.draining = new Promise(resolve => {
        this.resolveDrain = resolve;
      });
      worker.postMessage('drain');
    }
  }

  private start() {
    let driver: string;
    try {
      driver = require.resolve('better-sqlite3', {
        paths: [path.dirname(require.resolve('knex'))],
      });
    } catch {
      this.lastError = 'better-sqlite3 not found';
      this.resolveReady?.();
      return;
    }
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver,
        filename: path.resolve(this.filename),
        intervalMs: this.intervalMs,
        walLimitBytes: this.walLimitBytes,
      },
    });
    this.worker = worker;
    const pool = this.knex.client.pool;
    const onCreate = (_id: unknown, conn: SqliteConnection) =>
      this.disableAuto(conn);
    pool?.on('createSuccess', onCreate);
    this.knex.raw('PRAGMA wal_autocheckpoint = 0').catch(() => undefined);
    // When a write starts the log over, the file is cut back to this size.
    this.knex
      .raw(`PRAGMA journal_size_limit = ${this.fileLimitBytes()}`)
      .catch(() => undefined);
    worker.on('message', (m: WorkerReport) => this.onReport(worker, m));
    const fallBack = (e?: unknown) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.lastError = e instanceof Error ? e.message : `worker exited (${e})`;
      this.resolveReady?.();
      this.endDrain();
      pool?.removeListener?.('createSuccess', onCreate);
      this.knex.raw('PRAGMA wal_autocheckpoint = 1000').catch(() => undefined);
    };
    worker.on('error', fallBack);
    worker.on('exit', fallBack);
    // Listeners first: adding one refs the worker again.
    worker.unref();
  }

  /**
   * The size the log file is cut back to when it starts over: room for a
   * few limits' worth, so that a long scan reuses the file's blocks instead
   * of cutting and growing it again at each start-over (that cost a 100,000
   * row scan about a second).
   */
  private fileLimitBytes(): number {
    return Math.floor(this.walLimitBytes * 4);
  }

  /** A new pool connection leaves checkpoints to the worker. */
  private disableAuto(conn: SqliteConnection) {
    if (typeof conn?.pragma !== 'function') return;
    conn.pragma('wal_autocheckpoint = 0');
    conn.pragma(`journal_size_limit = ${this.fileLimitBytes()}`);
  }
}
