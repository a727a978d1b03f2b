/*
 * PostgreSQL for the benchmarks: `--db postgres` on bench:scan and
 * bench:issue. The server is an existing one when `--pg-url URL` or
 * BENCH_POSTGRES_URL names it; otherwise a throwaway server is started here
 * with initdb/pg_ctl from /usr/lib/postgresql/<version>/bin (as the
 * `postgres` user when run as root, as scripts/postgres.sh does) and removed
 * at the end.
 *
 * The throwaway server keeps PostgreSQL's default durability (fsync and
 * synchronous_commit on): unlike the test suites' server (fsync=off), a
 * benchmark's commits cost what they cost in production.
 *
 * `--pg-setting name=value` (repeatable) sets a server parameter of the
 * throwaway server, e.g. `--pg-setting shared_buffers=1GB`: the defaults
 * are sized for a small machine (128 MB of shared buffers, 1 GB of WAL
 * between checkpoints), which a database for a million certificates would
 * not keep. Durability cannot be changed so. The settings given are named in
 * the figures' `databaseSettings`.
 *
 * Each run works in a scratch database named after its process id, dropped
 * afterwards. This module loads no Backstage code: bench:scan's memory
 * figures count what the process loaded.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import knexFactory, { Knex } from 'knex';

/** `--db sqlite|postgres` (sqlite when absent). */
export function selectedDatabase(argv = process.argv): 'sqlite' | 'postgres' {
  const i = argv.indexOf('--db');
  const db = i >= 0 ? argv[i + 1] : 'sqlite';
  if (db !== 'sqlite' && db !== 'postgres') {
    throw new Error(`--db must be sqlite or postgres, not ${db}`);
  }
  return db;
}

export interface BenchPostgres {
  url: string;
  /** 'throwaway' (started here, default durability) or 'existing'. */
  server: 'throwaway' | 'existing';
  /**
   * CPU seconds the server's processes used so far (the postmaster, its
   * live processes, and those that ended); the throwaway server only.
   */
  cpuSeconds?(): number;
  stop(): void;
}

/** The fields of /proc/<pid>/stat after the command name. */
function procStat(pid: string): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // ended meanwhile
  }
}

/** CPU seconds of process `postmaster` and its children, live and ended (Linux). */
function processTreeCpuSeconds(postmaster: string): number {
  const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
    const f = procStat(pid);
    // f[1] is the parent; f[11..14] utime, stime, cutime, cstime.
    if (!f || (pid !== postmaster && f[1] !== postmaster)) continue;
    const own = Number(f[11]) + Number(f[12]);
    total += pid === postmaster ? own + Number(f[13]) + Number(f[14]) : own;
  }
  return total / ticks;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter(v => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `no PostgreSQL under ${root}: install it (scripts/system-deps.sh) or pass --pg-url`,
    );
  }
  return path.join(root, versions[0], 'bin');
}

/** Runs a PostgreSQL tool, as `postgres` when this process is root (initdb refuses root). */
function runAsPostgres(file: string, args: string[]) {
  if (process.getuid?.() !== 0) {
    execFileSync(file, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    return;
  }
  const quoted = [file, ...args]
    .map(a => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const DURABILITY = ['fsync', 'synchronous_commit', 'full_page_writes'];

/** The `--pg-setting name=value` arguments, checked. */
export function serverSettings(argv = process.argv): string[] {
  const settings: string[] = [];
  argv.forEach((a, i) => {
    if (a !== '--pg-setting') return;
    const value = argv[i + 1] ?? '';
    const m = /^([a-z_]+)=([A-Za-z0-9.]+)$/.exec(value);
    if (!m) throw new Error(`--pg-setting needs name=value, not "${value}"`);
    if (DURABILITY.includes(m[1])) {
      throw new Error(`--pg-setting cannot change durability (${m[1]})`);
    }
    settings.push(value);
  });
  return settings;
}

async function startThrowaway(): Promise<BenchPostgres> {
  const bin = postgresBin();
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pg-'));
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', ['--system', '--no-create-home', 'postgres']);
    }
    execFileSync('chown', ['postgres', dir]);
  }
  const data = path.join(dir, 'data');
  runAsPostgres(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
  ]);
  // Where it listens, and any --pg-setting; durability stays the default.
  const extra = serverSettings()
    .map(v => ` -c ${v}`)
    .join('');
  runAsPostgres(path.join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    path.join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${extra}`,
    '-w',
    'start',
  ]);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      runAsPostgres(path.join(bin, 'pg_ctl'), [
        '-D',
        data,
        '-m',
        'fast',
        'stop',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  // A failed or interrupted run must not leave a server behind.
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(130));
  }
  const postmaster = fs
    .readFileSync(path.join(data, 'postmaster.pid'), 'utf8')
    .split('\n')[0]
    .trim();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}`,
    server: 'throwaway',
    cpuSeconds: () => processTreeCpuSeconds(postmaster),
    stop,
  };
}

/** The server named by --pg-url / BENCH_POSTGRES_URL, else a throwaway one. */
export async function benchPostgres(
  argv = process.argv,
): Promise<BenchPostgres> {
  const i = argv.indexOf('--pg-url');
  const url = i >= 0 ? argv[i + 1] : process.env.BENCH_POSTGRES_URL;
  if (url) return { url, server: 'existing', stop() {} };
  const pg = await startThrowaway();
  console.error(
    `setup: throwaway PostgreSQL (default durability) at ${pg.url}`,
  );
  return pg;
}

/** Drops `database` on the server at `url`, if it is there. */
export async function dropDatabase(url: string, database: string) {
  const admin = knexFactory({ client: 'pg', connection: url });
  try {
    await admin.raw('DROP DATABASE IF EXISTS ??', [database]);
  } catch (e) {
    // The figures are measured by now: say what is left behind, keep them.
    console.warn(`could not drop scratch database ${database}: ${e}`);
  } finally {
    await admin.destroy();
  }
}

/**
 * A new empty database on the server at `url`, and a knex on it configured
 * as Backstage's PostgreSQL connector configures a plugin's (pool min 0).
 */
export async function scratchDatabase(
  url: string,
  database: string,
): Promise<{ knex: Knex; drop(options?: { keep?: boolean }): Promise<void> }> {
  const admin = knexFactory({ client: 'pg', connection: url });
  try {
    await admin.raw('CREATE DATABASE ??', [database]);
  } finally {
    await admin.destroy();
  }
  const connection = new URL(url);
  connection.pathname = `/${database}`;
  const knex = knexFactory({
    client: 'pg',
    connection: connection.toString(),
    pool: { min: 0 },
    useNullAsDefault: true,
  });
  return {
    knex,
    async drop(options = {}) {
      await knex.destroy();
      if (!options.keep) await dropDatabase(url, database);
    },
  };
}

/** The server's current write-ahead log position. */
export async function walPosition(knex: Knex): Promise<string> {
  const { rows } = await knex.raw('select pg_current_wal_lsn()::text as lsn');
  return rows[0].lsn;
}

/** Bytes of WAL the whole server wrote since `from`, every database's. */
export async function walBytesSince(knex: Knex, from: string): Promise<number> {
  const { rows } = await knex.raw(
    'select pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)::bigint as bytes',
    [from],
  );
  return Number(rows[0].bytes);
}

/** Counters of the whole server's WAL and buffer writes (PostgreSQL 14+). */
export interface WriteCounters {
  /** Full-page images: a page logged whole at its first change after a checkpoint. */
  fullPageImages: number;
  checkpoints: number;
  /** Dirty buffers a backend had to write out itself to find a free one. */
  buffersWrittenByBackends: number;
}

/** The counters, or undefined on a server without pg_stat_wal (before 14). */
export async function writeCounters(
  knex: Knex,
): Promise<WriteCounters | undefined> {
  const { rows } = await knex
    .raw(
      `select (select wal_fpi from pg_stat_wal)::bigint as fpi,
            (checkpoints_timed + checkpoints_req)::bigint as checkpoints,
            buffers_backend::bigint as backend
       from pg_stat_bgwriter`,
    )
    .catch(() => ({ rows: [] }));
  if (rows.length === 0) return undefined;
  return {
    fullPageImages: Number(rows[0].fpi),
    checkpoints: Number(rows[0].checkpoints),
    buffersWrittenByBackends: Number(rows[0].backend),
  };
}

/** The server's durability settings, as measured under: "fsync=on, synchronous_commit=on". */
export async function durability(knex: Knex): Promise<string> {
  const { rows } = await knex.raw(
    "select name, setting from pg_settings where name in ('fsync', 'synchronous_commit') order by name",
  );
  const given = serverSettings();
  return [
    ...rows.map(
      (r: { name: string; setting: string }) => `${r.name}=${r.setting}`,
    ),
    ...given,
  ].join(', ');
}
