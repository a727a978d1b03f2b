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
import { applyProofs, linkLookups, recordsToProve } from './requestLinks';
import { InventoryRow } from './types';

/*
 * The inventory's writes, in the two shapes the store runs them: as one
 * synchronous transaction of prepared statements on embedded SQLite
 * (SqliteRowWriter), and through knex on any database. Both prove the
 * request links of the rows they write in the same transaction.
 */

/** Upserts `rows` (unique ids) in a SQLite write transaction. */
export function sqliteUpsert(rows: InventoryRow[], now: string) {
  return (ops: WriteOps) => {
    const existing = new Map(rows.map(r => [r.id, ops.existing(r.id)]));
    // Links are proven on their few columns; each full record is mapped
    // just before its write. Records of a whole batch, mapped up front,
    // outlived young-generation collections and were promoted: the old
    // generation grew by a batch of details JSON per commit.
    const links = rows.map(linkColumns);
    const toProve = recordsToProve(links, id => existing.get(id));
    if (toProve.length > 0) {
      applyProofs(
        toProve,
        linkLookups(toProve).flatMap(l => ops.select(l.sql, l.bindings)),
      );
    }
    rows.forEach((row, i) => {
      const before = existing.get(row.id);
      const record = toDb(row, now, before) as DbRow;
      record.request_id = links[i].request_id;
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
