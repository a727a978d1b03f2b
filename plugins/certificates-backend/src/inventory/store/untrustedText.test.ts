import { describeDatabases } from '../../__testUtils__';
import { DatabaseInventoryStore } from './DatabaseInventoryStore';
import { pgJson } from './inventoryWrites';
import { testRow } from './testRows';

describeDatabases('text from clusters the database cannot hold', db => {
  db.test(
    'stores a certificate whose names carry U+0000 with the rest of its batch',
    async ({ knex }) => {
      const store = DatabaseInventoryStore.create({ knex });
      const nul = testRow({
        name: 'nul',
        leaf: {
          commonName: 'bank.example.com\u0000.evil.example',
          subject: 'CN=bank.example.com\u0000.evil.example',
          dnsNames: ['bank.example.com\u0000.evil.example'],
        },
        labels: { note: 'a\u0000b' },
      });
      const rows = [testRow({ name: 'a' }), nul, testRow({ name: 'b' })];
      await store.upsertCertificates(rows, '2026-11-28T10:00:00.000Z');
      const stored = await store.getRows(rows.map(r => r.id));
      expect(stored.map(r => r.id).sort()).toEqual(rows.map(r => r.id).sort());
      const cn = stored.find(r => r.id === nul.id)?.details.leaf?.commonName;
      // PostgreSQL stores the replacement character; SQLite keeps U+0000.
      expect([
        'bank.example.com\u0000.evil.example',
        'bank.example.com\ufffd.evil.example',
      ]).toContain(cn);
    },
  );

  it('replaces U+0000 in JSON parameters, and nothing that only looks like it', () => {
    expect(pgJson({ a: 'x\u0000y' })).toBe('{"a":"x\\ufffdy"}');
    expect(pgJson({ a: 'x\\u0000y' })).toBe('{"a":"x\\\\u0000y"}');
    expect(pgJson({ a: 'x\\\u0000' })).toBe('{"a":"x\\\\\\ufffd"}');
    expect(JSON.parse(pgJson(['\u0000\u0000']))).toEqual(['\ufffd\ufffd']);
  });
});
