import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileAcmeStateStore } from './FileAcmeStateStore';

describe('FileAcmeStateStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acme-store-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('persists orders and the account key across instances, files private', async () => {
    const a = FileAcmeStateStore.create({ dataDir: dir, issuerId: 'le' });
    expect(await a.getAccountKey()).toBeUndefined();
    expect(await a.getOrder('r1')).toBeUndefined();
    await Promise.all([
      a.saveAccountKey('KEY'),
      a.saveOrder('r1', { orderUrl: 'https://ca/o/1', csrSha256: 'aa', createdAt: new Date().toISOString() }),
      a.saveOrder('r2', { orderUrl: 'https://ca/o/2', csrSha256: 'bb', createdAt: new Date().toISOString() }),
    ]);
    const b = FileAcmeStateStore.create({ dataDir: dir, issuerId: 'le' });
    expect(await b.getAccountKey()).toBe('KEY');
    expect((await b.getOrder('r1'))?.orderUrl).toBe('https://ca/o/1');
    expect((await b.getOrder('r2'))?.orderUrl).toBe('https://ca/o/2');
    expect(await b.getOrder('toString')).toBeUndefined();
    expect(fs.statSync(path.join(b.directory, 'account-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('forgets orders older than the retention period when saving', async () => {
    const s = FileAcmeStateStore.create({ dataDir: dir, issuerId: 'le' });
    await s.saveOrder('old', { orderUrl: 'u', csrSha256: 'x', createdAt: '2000-01-01T00:00:00Z' });
    await s.saveOrder('new', { orderUrl: 'v', csrSha256: 'y', createdAt: new Date().toISOString() });
    const again = FileAcmeStateStore.create({ dataDir: dir, issuerId: 'le' });
    expect(await again.getOrder('old')).toBeUndefined();
    expect(await again.getOrder('new')).toBeDefined();
  });

  it('refuses ids that would escape the data folder', () => {
    expect(() => FileAcmeStateStore.create({ dataDir: dir, issuerId: '../x' })).toThrow(/safe file name/);
  });
});
