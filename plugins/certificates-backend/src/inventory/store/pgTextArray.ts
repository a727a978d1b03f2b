/*
 * A text[] parameter in PostgreSQL's binary array format (what array_recv
 * reads), for statements that take a batch's rows column by column:
 *
 *   int32 dimensions (1), int32 has-nulls flag, int32 element type (text),
 *   int32 length and int32 lower bound (1) of the dimension, then per element
 *   int32 byte length (-1 for NULL) and its UTF-8 bytes.
 *
 * node-postgres sends a Buffer parameter as is, in binary format. The server
 * copies each element's bytes: nothing is escaped here or unescaped there,
 * where a JSON parameter is lexed character by character (PostgreSQL 15
 * appends each character of each string value to a buffer on its own call).
 */

/** pg_type oid of text. */
const TEXT_OID = 25;
const HEADER_BYTES = 20;

/**
 * The text PostgreSQL can store for `value`: it refuses U+0000 in text, and a
 * certificate's names or a Secret's labels can carry it (they come from a
 * cluster: untrusted), so it is stored as U+FFFD, as in JSON parameters.
 */
function storable(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : String(value);
  return text.includes('\u0000') ? text.split('\u0000').join('\ufffd') : text;
}

/**
 * Text arrays filled a row at a time: each value is written into its
 * column's bytes as it is added, so a batch's row objects can die young
 * (rows held while columns are encoded one after another lived through
 * young-generation collections and were promoted).
 */
export class PgTextArrays {
  private readonly columns: Array<{
    bytes: Buffer;
    used: number;
    count: number;
    hasNull: number;
  }>;

  constructor(columnCount: number, initialBytes = 16 * 1024) {
    this.columns = Array.from({ length: columnCount }, () => ({
      bytes: Buffer.allocUnsafe(initialBytes),
      used: HEADER_BYTES,
      count: 0,
      hasNull: 0,
    }));
  }

  /** Appends one value to each column, in column order. */
  add(values: ArrayLike<unknown>): void {
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i];
      const text = storable(values[i]);
      const length = text === null ? 0 : Buffer.byteLength(text, 'utf8');
      const needed = column.used + 4 + length;
      if (needed > column.bytes.length) {
        const grown = Buffer.allocUnsafe(
          Math.max(needed, column.bytes.length * 2),
        );
        column.bytes.copy(grown, 0, 0, column.used);
        column.bytes = grown;
      }
      if (text === null) {
        column.hasNull = 1;
        column.used = column.bytes.writeInt32BE(-1, column.used);
      } else {
        column.bytes.writeInt32BE(length, column.used);
        column.used += 4 + column.bytes.write(text, column.used + 4, 'utf8');
      }
      column.count++;
    }
  }

  /** One text[] parameter per column. */
  finish(): Buffer[] {
    return this.columns.map(column => {
      if (column.count === 0) return emptyTextArray();
      const out = column.bytes.subarray(0, column.used);
      let at = out.writeInt32BE(1, 0);
      at = out.writeInt32BE(column.hasNull, at);
      at = out.writeInt32BE(TEXT_OID, at);
      at = out.writeInt32BE(column.count, at);
      out.writeInt32BE(1, at);
      return out;
    });
  }
}

function emptyTextArray(): Buffer {
  // No dimensions: the empty array.
  const empty = Buffer.alloc(12);
  empty.writeInt32BE(TEXT_OID, 8);
  return empty;
}
