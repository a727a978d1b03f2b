import {
  describeExpiryStep,
  expirySeverity,
  expiryStep,
  normalizeExpiryThresholds,
} from './expiryThresholds';

const now = '2026-11-28T12:00:00.000Z';
const day = 24 * 60 * 60 * 1000;
const at = (days: number) =>
  new Date(Date.parse(now) + days * day).toISOString();
const step = (daysLeft: number, thresholds?: number[]) =>
  expiryStep(at(daysLeft), now, thresholds)?.thresholdDays;

describe('expiryStep', () => {
  it('is the most urgent threshold crossed, none above the largest', () => {
    expect(step(40)).toBeUndefined();
    expect(step(30.01)).toBeUndefined();
    expect(step(30)).toBe(30);
    expect(step(20)).toBe(30);
    expect(step(14)).toBe(14);
    expect(step(10)).toBe(14);
    expect(step(7)).toBe(7);
    // 40 → 6 days between two checks: one notice, at 7 days.
    expect(step(6)).toBe(7);
    expect(step(1)).toBe(1);
    expect(step(0.5)).toBe(1);
  });

  it('treats expiry (notAfter ≤ now) as its own step 0', () => {
    expect(expiryStep(at(0), now)).toEqual({
      thresholdDays: 0,
      expired: true,
      remainingMs: 0,
    });
    expect(expiryStep(at(-3), now)).toMatchObject({
      thresholdDays: 0,
      expired: true,
    });
    expect(expiryStep(at(0.001), now)).toMatchObject({
      thresholdDays: 1,
      expired: false,
    });
  });

  it('takes Dates, unordered thresholds, and ignores a missing or bad notAfter', () => {
    expect(
      expiryStep(new Date(at(5)), new Date(now), [1, 30, 7])?.thresholdDays,
    ).toBe(7);
    expect(step(5, [60])).toBe(60);
    expect(step(5, [])).toBeUndefined();
    expect(expiryStep(undefined, now)).toBeUndefined();
    expect(expiryStep('', now)).toBeUndefined();
    expect(expiryStep('not a date', now)).toBeUndefined();
  });
});

describe('normalizeExpiryThresholds', () => {
  it('sorts largest first without duplicates and rejects non-days', () => {
    expect(normalizeExpiryThresholds()).toEqual([30, 14, 7, 1]);
    expect(normalizeExpiryThresholds([1, 7, 7, 60])).toEqual([60, 7, 1]);
    expect(() => normalizeExpiryThresholds([0])).toThrow(/greater than 0/);
    expect(() => normalizeExpiryThresholds([1.5])).toThrow(/whole days/);
    expect(() => normalizeExpiryThresholds([-7])).toThrow();
  });
});

describe('expirySeverity and describeExpiryStep', () => {
  it('escalates with the step', () => {
    const of = (daysLeft: number) => expiryStep(at(daysLeft), now)!;
    expect([25, 10, 5, 0.5, -1].map(d => expirySeverity(of(d)))).toEqual([
      'normal',
      'normal',
      'high',
      'critical',
      'critical',
    ]);
    expect(describeExpiryStep(of(5))).toBe('expires within 7 days');
    expect(describeExpiryStep(of(0.5))).toBe('expires within 1 day');
    expect(describeExpiryStep(of(-1))).toBe('has expired');
  });
});
