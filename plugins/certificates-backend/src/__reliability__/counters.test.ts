import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentScale, record, scale, Tally } from './counters';

describe('reliability counters', () => {
  const saved = { ...process.env };
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-counters-'));
    process.env.RELIABILITY_OUT = dir;
  });
  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const written = () =>
    fs
      .readdirSync(dir)
      .sort()
      .map(f => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));

  it('writes one file per record, never overwriting another', () => {
    record('suite', { attacks: 1, attacksHeld: 1 });
    record('suite', { leaks: 0 });
    const files = fs.readdirSync(dir);
    expect(files).toHaveLength(2);
    expect(files.every(f => f.startsWith(`suite-${process.pid}-`))).toBe(true);
    expect(written()).toEqual(
      expect.arrayContaining([
        { suite: 'suite', counts: { attacks: 1, attacksHeld: 1 } },
        { suite: 'suite', counts: { leaks: 0 } },
      ]),
    );
  });

  it('refuses counts that are not non-negative numbers', () => {
    expect(() => record('suite', { leaks: -1 })).toThrow(/leaks/);
    expect(() => record('suite', { crashes: NaN })).toThrow(/crashes/);
    expect(written()).toEqual([]);
  });

  it('writes nothing without RELIABILITY_OUT', () => {
    delete process.env.RELIABILITY_OUT;
    record('suite', { attacks: 1 });
    expect(written()).toEqual([]);
  });

  it('sums a suite in memory and writes it once', () => {
    const tally = new Tally('tally');
    tally.add({ inputsTried: 2, rejected: 1 });
    tally.add({ inputsTried: 1, rejected: 1, crashes: 0 });
    tally.flush();
    expect(written()).toEqual([
      {
        suite: 'tally',
        counts: expect.objectContaining({
          inputsTried: 3,
          rejected: 2,
          leaks: 0,
        }),
      },
    ]);
  });

  it('picks the scale from RELIABILITY_SCALE, else from CI', () => {
    process.env.RELIABILITY_SCALE = 'full';
    expect(scale(5, 500)).toBe(500);
    process.env.RELIABILITY_SCALE = 'ci';
    expect(scale(5, 500)).toBe(5);
    delete process.env.RELIABILITY_SCALE;
    process.env.CI = 'true';
    expect(currentScale()).toBe('ci');
    process.env.CI = 'false';
    expect(currentScale()).toBe('full');
  });
});
