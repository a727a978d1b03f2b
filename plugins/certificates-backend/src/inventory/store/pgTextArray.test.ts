import { testDatabases } from '../../__testUtils__';
import { PgTextArrays } from './pgTextArray';

/** `values` as one text[] parameter. */
function pgTextArray(values: unknown[]): Buffer {
  const arrays = new PgTextArrays(1, 64);
  for (const value of values) arrays.add([value]);
  return arrays.finish()[0];
}

/** Reads the binary format back, as array_recv does for one dimension. */
function decode(buffer: Buffer) {
  const dimensions = buffer.readInt32BE(0);
  const header = {
    dimensions,
    hasNull: buffer.readInt32BE(4),
    elementType: buffer.readInt32BE(8),
  };
  if (dimensions === 0) return { ...header, values: [] };
  const length = buffer.readInt32BE(12);
  expect(buffer.readInt32BE(16)).toBe(1);
  const values: Array<string | null> = [];
  let at = 20;
  for (let i = 0; i < length; i++) {
    const size = buffer.readInt32BE(at);
    at += 4;
    if (size === -1) {
      values.push(null);
    } else {
      values.push(buffer.toString('utf8', at, at + size));
      at += size;
    }
  }
  expect(at).toBe(buffer.length);
  return { ...header, values };
}

describe('pgTextArray', () => {
  it('writes one dimension of text with byte lengths, NULL as -1', () => {
    const values = ['a', '', null, 'ünïcødé ✓', '-----BEGIN\n"x"\\', 2048];
    expect(decode(pgTextArray(values))).toEqual({
      dimensions: 1,
      hasNull: 1,
      elementType: 25,
      values: ['a', '', null, 'ünïcødé ✓', '-----BEGIN\n"x"\\', '2048'],
    });
    expect(decode(pgTextArray(['x', undefined])).values).toEqual(['x', null]);
    expect(decode(pgTextArray(['x'])).hasNull).toBe(0);
  });

  it('writes no dimensions for no values', () => {
    expect(decode(pgTextArray([]))).toEqual({
      dimensions: 0,
      hasNull: 0,
      elementType: 25,
      values: [],
    });
  });

  it('stores U+0000 as U+FFFD and a lone surrogate as its replacement', () => {
    expect(decode(pgTextArray(['a\u0000b\u0000', '\ud800x'])).values).toEqual([
      'a\ufffdb\ufffd',
      '\ufffdx',
    ]);
  });

  it('fills each column a row at a time, growing past its first bytes', () => {
    const arrays = new PgTextArrays(3, 32);
    const rows = Array.from({ length: 50 }, (_, i) => [
      `id-${i}`,
      i % 7 === 0 ? null : 'é'.repeat(i),
      i,
    ]);
    for (const row of rows) arrays.add(row);
    const [ids, texts, numbers] = arrays.finish().map(decode);
    expect(ids).toMatchObject({ hasNull: 0, values: rows.map(r => r[0]) });
    expect(texts).toMatchObject({ hasNull: 1, values: rows.map(r => r[1]) });
    expect(numbers.values).toEqual(rows.map(r => String(r[2])));
    expect(new PgTextArrays(2).finish().map(decode)).toEqual([
      { dimensions: 0, hasNull: 0, elementType: 25, values: [] },
      { dimensions: 0, hasNull: 0, elementType: 25, values: [] },
    ]);
  });

  const databases = testDatabases();
  const onPostgres = databases
    .eachSupportedId()
    .some(([id]) => id === 'POSTGRES_15');
  // eslint-disable-next-line jest/no-disabled-tests -- PostgreSQL only, where it is configured (CI always)
  (onPostgres ? describe : describe.skip)('on PostgreSQL', () => {
    it('is read as the same text[], and zipped by unnest', async () => {
      const knex = await databases.init('POSTGRES_15');
      const names = ['a', null, 'ünïcødé\n"q"\\', 'x\u0000y'];
      const sizes = ['1', '2', null, '4'];
      const { rows } = await knex.raw(
        `select n.name, n.size::integer as size
           from unnest(?::text[], ?::text[]) with ordinality as n(name, size, i)
           order by n.i`,
        [pgTextArray(names), pgTextArray(sizes)],
      );
      expect(rows).toEqual([
        { name: 'a', size: 1 },
        { name: null, size: 2 },
        { name: 'ünïcødé\n"q"\\', size: null },
        { name: 'x\ufffdy', size: 4 },
      ]);
      const empty = await knex.raw('select cardinality(?::text[]) as n', [
        pgTextArray([]),
      ]);
      expect(empty.rows).toEqual([{ n: 0 }]);
    });
  });
});
