import { Knex } from 'knex';
import type { WriteOps } from '../../database/sqlite';
import { TABLE } from './queryFilters';
import {
  BATCH,
  chunks,
  DbRow,
  EXISTING_COLUMNS,
  HISTORY,
  historyFor,
  linkColumns,
  ROW_BATCH,
  toDb,
  UPSERT_COLUMNS,
  upsertSql,
} from './rowMapping';
import {
  applyProofs,
  linkLookups,
  PORTAL_LOCATION,
  recordsToProve,
} from './requestLinks';
import { linkLateIssued } from './linkIssued';
import { PgTextArrays } from './pgTextArray';
import { InventoryRow } from './types';

/*
 * The inventory's writes, in the shapes the store runs them: as one
 * synchronous transaction of prepared statements on embedded SQLite
 * (SqliteRowWriter), as a read and a write statement per batch on
 * PostgreSQL (below), and through knex's query builder on any other
 * database. Each proves the request links of the rows it writes with them.
 */

/**
 * The request id each row is stored with, from its link columns
 * (linkColumns): what its certificate proves (requestLinks.ts), found
 * through `lookup`. Only the ids outlive this call, not the batch's link
 * records: objects that live through a batch's mapping are promoted, and V8
 * may then allocate their site's later objects in the old generation.
 */
function provenRequestIds(
  links: DbRow[],
  existing: (id: string) => DbRow | undefined,
  lookup: (toProve: DbRow[]) => DbRow[],
): Array<string | null> {
  const toProve = recordsToProve(links, existing);
  if (toProve.length > 0) applyProofs(toProve, lookup(toProve));
  return links.map(l => l.request_id);
}

/** Upserts `rows` (unique ids) in a SQLite write transaction. */
export function sqliteUpsert(rows: InventoryRow[], now: string) {
  return (ops: WriteOps) => {
    const existing = new Map(rows.map(r => [r.id, ops.existing(r.id)]));
    // Links are proven on their few columns; each full record is mapped
    // just before its write. Records of a whole batch, mapped up front,
    // outlived young-generation collections and were promoted: the old
    // generation grew by a batch of details JSON per commit.
    const requestIds = provenRequestIds(
      rows.map(linkColumns),
      id => existing.get(id),
      toProve =>
        linkLookups(toProve).flatMap(l => ops.select(l.sql, l.bindings)),
    );
    rows.forEach((row, i) => {
      const before = existing.get(row.id);
      const record = toDb(row, now, before) as DbRow;
      record.request_id = requestIds[i];
      ops.upsert(
        UPSERT_COLUMNS.map(c => record[c]),
        before,
      );
      for (const h of historyFor(row, before, now)) ops.history(h);
    });
  };
}

/** Marks rows gone in a SQLite write transaction. */
export function sqliteMarkGone(ids: string[], now: string) {
  return (ops: WriteOps) => {
    for (const id of new Set(ids)) {
      if (ops.gone(id, now)) {
        ops.history({
          certificate_id: id,
          at: now,
          event: 'gone',
          detail: null,
        });
      }
    }
  };
}

/** Upserts `rows` (unique ids) in `tx`, in batches. */
export async function portableUpsert(
  tx: Knex.Transaction,
  rows: InventoryRow[],
  now: string,
): Promise<void> {
  for (const batch of chunks(rows, ROW_BATCH)) {
    const existing = new Map<string, DbRow>(
      (
        await tx(TABLE)
          .select(EXISTING_COLUMNS)
          .whereIn(
            'id',
            batch.map(r => r.id),
          )
      ).map((r: DbRow) => [r.id, r]),
    );
    const records = batch.map(r => toDb(r, now, existing.get(r.id)) as DbRow);
    const toProve = recordsToProve(records, id => existing.get(id));
    const issued: DbRow[] = [];
    for (const lookup of linkLookups(toProve)) {
      const found = await tx.raw(lookup.sql, lookup.bindings);
      issued.push(...(Array.isArray(found) ? found : found.rows));
    }
    if (toProve.length > 0) applyProofs(toProve, issued);
    const history = batch.flatMap(r => historyFor(r, existing.get(r.id), now));
    await tx.raw(
      upsertSql(records.length),
      records.flatMap(r => UPSERT_COLUMNS.map(c => r[c])),
    );
    for (const h of chunks(history, BATCH)) {
      await tx(HISTORY).insert(h);
    }
  }
}

/**
 * Deletes history records from before `before`, `batch` at a time, in two
 * plain statements per batch (any database). Records are appended as
 * changes happen, so the oldest come first by seq: a batch is found at the
 * front of the primary key without an index on the time, and each delete is
 * a short transaction between which discovery's writes go on.
 */
export async function pruneHistory(
  db: Knex,
  before: string,
  batch = 5_000,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const oldest: DbRow[] = await db(HISTORY)
      .select('seq')
      .where('at', '<', before)
      .orderBy('seq')
      .limit(batch);
    if (oldest.length === 0) return deleted;
    deleted += await db(HISTORY)
      .where('seq', '<=', oldest[oldest.length - 1].seq)
      .where('at', '<', before)
      .delete();
    if (oldest.length < batch) return deleted;
    await new Promise(resolve => setImmediate(resolve));
  }
}

/** Marks rows gone in `tx`. */
export async function portableMarkGone(
  tx: Knex.Transaction,
  ids: string[],
  now: string,
): Promise<void> {
  for (const batch of chunks(ids, BATCH)) {
    const live: string[] = (
      await tx(TABLE).select('id').whereIn('id', batch).whereNull('gone_at')
    ).map((r: DbRow) => r.id);
    if (live.length === 0) continue;
    await tx(TABLE)
      .whereIn('id', live)
      .update({ gone_at: now, changed_at: now });
    await tx(HISTORY).insert(
      live.map(id => ({
        certificate_id: id,
        at: now,
        event: 'gone',
        detail: null,
      })),
    );
  }
}

/*
 * The inventory's writes on PostgreSQL: two statements for a batch of rows
 * (what is stored, then the write with its history), one for rows gone.
 *
 * Each round trip to the server is a wait the scan and the watch pay in full
 * (node-postgres does not pipeline), and a statement with a placeholder per
 * value was parsed and planned anew for each batch (31 per row). The rows
 * travel as one text[] parameter per column instead, in binary (PgTextArrays),
 * and the few columns read before the write as one JSON parameter: the
 * statements' text is constant and short, whatever the batch size. Rows as
 * JSON cost the server more than the rest of the write: at 100,000 Secrets a
 * fifth of its CPU went to lexing it (a row's chain and details, 2.7 KB of
 * its 3.6, are JSON inside JSON) and to a hash table of each row's fields.
 * Without a surrounding transaction, the write and its history commit
 * together as one statement; in a caller's unit of work, with it. The read
 * before it sees what a transaction at read committed saw before: one
 * replica writes a cluster's rows (its lease), through one writer.
 */

/** Rows per statement pair. */
const PG_BATCH = 1000;

const q = (c: string) => `"${c}"`;

/** Columns of a request that may be proven, prefixed as the lookup returns them. */
const REQUEST_COLUMNS = [
  'id',
  'serial_number',
  'chain_pem',
  'delivery_kind',
  'delivery_cluster',
  'delivery_namespace',
  'delivery_secret_name',
];

/**
 * What is stored for each id of the batch and, for each row whose
 * certificate must prove its request (recordsToProve: new, moved or another
 * certificate; never the portal's own rows), the issued requests with its
 * serial in either spelling. A row whose certificate is unchanged finds no
 * request here: its link, or its lack of one, is kept as stored.
 */
const BEFORE_SQL = `select ${EXISTING_COLUMNS.map(c => `i.${q(c)}`).join(
  ', ',
)}, ${REQUEST_COLUMNS.map(c => `r.${q(c)} as "r_${c}"`).join(', ')}
from json_to_recordset(?::json) as n("id" text, "location" text, "fingerprint_sha256" text, "serial_number" text)
left join ${q(TABLE)} i on i."id" = n."id"
left join "certificates_requests" r
  on r."serial_number" in (upper(n."serial_number"), lower(n."serial_number"))
  and r."chain_pem" is not null
  and n."location" <> '${PORTAL_LOCATION}'
  and n."fingerprint_sha256" is not null
  and (i."id" is null or i."location" <> n."location"
    or i."fingerprint_sha256" is distinct from n."fingerprint_sha256")
where i."id" is not null or r."id" is not null`;

/**
 * Columns that are not text in the table, and the type each array's text is
 * cast to (an assignment from text covers the varchar columns).
 */
const NON_TEXT_COLUMNS: Record<string, string> = { key_size: 'integer' };

/**
 * Inserts or updates the rows and appends their history, in one statement.
 * The rows come as one text[] per column (PgTextArrays), zipped by unnest.
 */
const UPSERT_SQL = `with "written" as (
  insert into ${q(TABLE)} (${UPSERT_COLUMNS.map(q).join(', ')})
  select ${UPSERT_COLUMNS.map(c =>
    NON_TEXT_COLUMNS[c] ? `n.${q(c)}::${NON_TEXT_COLUMNS[c]}` : `n.${q(c)}`,
  ).join(', ')}
  from unnest(${UPSERT_COLUMNS.map(() => '?::text[]').join(', ')})
    as n(${UPSERT_COLUMNS.map(q).join(', ')})
  on conflict ("id") do update set ${UPSERT_COLUMNS.filter(
    c => c !== 'id' && c !== 'first_seen_at',
  )
    .map(c => `${q(c)} = excluded.${q(c)}`)
    .join(', ')}
  returning 1
)
insert into ${q(HISTORY)} ("certificate_id", "at", "event", "detail")
select "certificate_id", "at", "event", "detail"
from json_populate_recordset(null::${q(HISTORY)}, ?::json)`;

/** Named, prepared once per connection (not the read before a batch: its
 * generic plan made issuing a third slower). */
const named = (on: boolean, name: 'upsert' | 'gone') =>
  on ? { name: `certificates_inventory_${name}` } : {};

/** Marks live rows gone and records it, in one statement. */
const GONE_SQL = `with "gone" as (
  update ${q(TABLE)} set "gone_at" = ?, "changed_at" = ?
  where "id" = any(?::text[]) and "gone_at" is null
  returning "id"
)
insert into ${q(HISTORY)} ("certificate_id", "at", "event", "detail")
select "id", ?, 'gone', null from "gone"`;

/**
 * A JSON parameter as bytes (node-postgres sends a Buffer as is; json reads
 * it as text). A statement holds its parameters until the server answers,
 * while discovery goes on building rows: a batch's rows, history or ids held
 * as strings of some hundred kilobytes to megabytes outlived young-generation
 * collections and were promoted, and the old generation grew by one set per
 * batch until the next full collection (at 100,000 Secrets some 15 MB for
 * the history and the lookup alone, measured with a sampling heap profile).
 * A buffer's bytes are outside the heap, and the string dies at once.
 */
function jsonParameter(value: unknown): Buffer {
  return Buffer.from(pgJson(value));
}

/** A JSON escape of U+0000 that is not itself an escaped backslash's tail. */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * JSON for a PostgreSQL json parameter. PostgreSQL text cannot hold U+0000,
 * and a certificate's names or a Secret's annotations can (they come from a
 * cluster: untrusted): the whole statement, and with it every other row of
 * the batch, would be refused. The character is stored as U+FFFD instead.
 */
export function pgJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('\\u0000')
    ? text.replace(NUL_ESCAPE, '$1\\ufffd')
    : text;
}

/**
 * The stored rows of `batch` (by id), and the request id each row is to be
 * stored with (provenRequestIds), from one statement.
 */
async function readBefore(
  db: Knex | Knex.Transaction,
  batch: InventoryRow[],
): Promise<{
  existing: Map<string, DbRow>;
  requestIds: Array<string | null>;
}> {
  const links = batch.map(linkColumns);
  const { rows } = await db.raw(BEFORE_SQL, [
    jsonParameter(
      links.map(l => ({
        id: l.id,
        location: l.location,
        fingerprint_sha256: l.fingerprint_sha256,
        serial_number: l.serial_number,
      })),
    ),
  ]);
  const existing = new Map<string, DbRow>();
  const issued: DbRow[] = [];
  for (const r of rows as DbRow[]) {
    if (r.id !== null) existing.set(r.id, r);
    if (r.r_id !== null) {
      const request: DbRow = {};
      for (const c of REQUEST_COLUMNS) request[c] = r[`r_${c}`];
      issued.push(request);
    }
  }
  const requestIds = provenRequestIds(
    links,
    id => existing.get(id),
    () => issued,
  );
  return { existing, requestIds };
}

/** Upserts `rows` (unique ids) on PostgreSQL, in `db` or in a caller's transaction. */
export async function postgresUpsert(
  db: Knex | Knex.Transaction,
  rows: InventoryRow[],
  now: string,
  prepared = true,
): Promise<void> {
  for (const batch of chunks(rows, PG_BATCH)) {
    const { existing, requestIds } = await readBefore(db, batch);
    // The history goes to bytes before the rows are mapped, so that its
    // records die young; each record is mapped and written into the
    // columns' bytes at once, which are outside the heap while the
    // statement runs (as jsonParameter).
    const history = jsonParameter(
      batch.flatMap(r => historyFor(r, existing.get(r.id), now)),
    );
    const columns = new PgTextArrays(UPSERT_COLUMNS.length);
    const values: unknown[] = new Array(UPSERT_COLUMNS.length);
    batch.forEach((r, i) => {
      const record = toDb(r, now, existing.get(r.id)) as DbRow;
      record.request_id = requestIds[i];
      UPSERT_COLUMNS.forEach((c, k) => {
        values[k] = record[c];
      });
      columns.add(values);
    });
    await db
      .raw(UPSERT_SQL, [...columns.finish(), history])
      .options(named(prepared, 'upsert'));
    if (!db.isTransaction)
      await linkLateIssued(db, batch.map(linkColumns), requestIds, existing);
  }
}

/** Marks rows gone on PostgreSQL. */
export async function postgresMarkGone(
  db: Knex,
  ids: string[],
  now: string,
  prepared = true,
): Promise<void> {
  for (const batch of chunks([...new Set(ids)], PG_BATCH)) {
    await db
      .raw(GONE_SQL, [now, now, batch, now])
      .options(named(prepared, 'gone'));
  }
}
