/*
 * Counters shared by the reliability suites. Each suite records what it
 * tried and what it saw; scripts/reliability/run.mjs sums every file written
 * here into the one-line report. Files (not an in-memory total) because jest
 * runs suites in several worker processes.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Counters {
  /** Hostile or malformed inputs sent to a write endpoint. */
  inputsTried: number;
  /** Of those, refused with a 4xx that names the reason. */
  rejected: number;
  /** Rows that appeared in any table where nothing may be written. */
  rowsWritten: number;
  /** 5xx answers, unhandled exceptions or a failed health check afterwards. */
  crashes: number;
  /** Generated or mutated CSRs fed to the CSR reader. */
  fuzzedCsrs: number;
  /** Named attack scenarios run. */
  attacks: number;
  /** Attack scenarios in which every assertion held. */
  attacksHeld: number;
  /** Faults injected (dropped watches, DB errors, restarts, ...). */
  faultsInjected: number;
  /** Cluster objects or events the inventory should have and does not. */
  missed: number;
  /** Inventory rows for objects that do not exist. */
  phantom: number;
  /** Certificates issued more than once for the same request. */
  duplicateIssuances: number;
  /** Occurrences of private key material where it must never be. */
  leaks: number;
}

export const COUNTER_NAMES: ReadonlyArray<keyof Counters> = [
  'inputsTried',
  'rejected',
  'rowsWritten',
  'crashes',
  'fuzzedCsrs',
  'attacks',
  'attacksHeld',
  'faultsInjected',
  'missed',
  'phantom',
  'duplicateIssuances',
  'leaks',
];

export function emptyCounters(): Counters {
  return Object.fromEntries(COUNTER_NAMES.map(name => [name, 0])) as never;
}

export type ReliabilityScale = 'ci' | 'full';

/** `RELIABILITY_SCALE` wins; otherwise CI runs small and a workstation runs full. */
export function currentScale(): ReliabilityScale {
  const configured = process.env.RELIABILITY_SCALE;
  if (configured === 'ci' || configured === 'full') {
    return configured;
  }
  return process.env.CI && process.env.CI !== 'false' ? 'ci' : 'full';
}

/** Picks the iteration count (or any size) for the current scale. */
export function scale<T = number>(ci: T, full: T): T {
  return currentScale() === 'full' ? full : ci;
}

let sequence = 0;

/**
 * Writes `${RELIABILITY_OUT}/${suite}-${pid}-${n}.json`. Without
 * RELIABILITY_OUT (a suite run on its own) nothing is written, so the
 * suites stay usable as plain jest tests.
 */
export function record(suite: string, counts: Partial<Counters>): void {
  const out = process.env.RELIABILITY_OUT;
  if (!out) {
    return;
  }
  const clean: Partial<Counters> = {};
  for (const name of COUNTER_NAMES) {
    const value = counts[name];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(`counter ${name} must be a non-negative number`);
    }
    clean[name] = value;
  }
  const safeSuite = suite.replace(/[^A-Za-z0-9_.-]/g, '_') || 'suite';
  fs.mkdirSync(out, { recursive: true });
  const body = `${JSON.stringify({ suite, counts: clean })}\n`;
  // jest resets module state per test file, so the sequence alone can repeat
  // inside one worker; 'wx' refuses to overwrite and we move on.
  for (;;) {
    sequence += 1;
    const file = path.join(out, `${safeSuite}-${process.pid}-${sequence}.json`);
    try {
      fs.writeFileSync(file, body, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Accumulates counts in memory during a suite; call `flush()` in afterAll so
 * one file is written per suite instead of one per case.
 */
export class Tally {
  private readonly counts = emptyCounters();

  constructor(private readonly suite: string) {}

  add(counts: Partial<Counters>): void {
    for (const name of COUNTER_NAMES) {
      this.counts[name] += counts[name] ?? 0;
    }
  }

  get current(): Readonly<Counters> {
    return { ...this.counts };
  }

  flush(): void {
    record(this.suite, this.counts);
    for (const name of COUNTER_NAMES) this.counts[name] = 0;
  }
}

/** A suite's tally, written once after all of its cases. */
export function suiteTally(suite: string): Tally {
  const tally = new Tally(suite);
  afterAll(() => tally.flush());
  return tally;
}
