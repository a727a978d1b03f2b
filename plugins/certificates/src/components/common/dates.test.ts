import {
  ABSOLUTE_FORMAT,
  ageLabel,
  formatAbsolute,
  formatRelative,
  formatUtcDay,
} from './dates';

const now = Date.parse('2026-12-06T12:00:00Z');
const DAY = 24 * 3600e3;
const at = (offset: number) => new Date(now + offset).toISOString();

describe('formatRelative', () => {
  it('counts expiry in days up to eight weeks, then in months', () => {
    expect(formatRelative(at(12 * DAY), now)).toBe('in 12 days');
    expect(formatRelative(at(-45 * DAY), now)).toBe('45 days ago');
    expect(formatRelative(at(90 * DAY), now)).toBe('in 3 months');
    expect(formatRelative(at(800 * DAY), new Date(now))).toBe('in 2 years');
  });

  it('uses hours and minutes for recent instants', () => {
    expect(formatRelative(at(-3 * 3600e3), now)).toBe('3 hours ago');
    expect(formatRelative(at(-5 * 60e3), now)).toBe('5 minutes ago');
    expect(formatRelative(at(-10e3), now)).toBe('just now');
    expect(formatRelative(at(10e3), now)).toBe('in less than a minute');
  });

  it('says so when the date cannot be read', () => {
    expect(formatRelative('not a date', now)).toBe('unknown');
  });
});

describe('formatAbsolute', () => {
  it("formats in the browser's locale with the time zone", () => {
    const iso = '2026-12-10T14:00:00Z';
    const expected = new Intl.DateTimeFormat(undefined, ABSOLUTE_FORMAT).format(
      new Date(iso),
    );
    expect(formatAbsolute(iso)).toBe(expected);
    expect(formatAbsolute(iso)).toContain('2026');
  });

  it('shows unreadable text as it came', () => {
    expect(formatAbsolute('soon')).toBe('soon');
  });
});

describe('formatUtcDay', () => {
  it('names the UTC calendar day whatever the local zone', () => {
    const expected = new Intl.DateTimeFormat(undefined, {
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    }).format(new Date('2026-12-07T00:00:00Z'));
    expect(formatUtcDay('2026-12-07T00:00:00Z')).toBe(expected);
  });
});

describe('ageLabel', () => {
  it('shortens an age to minutes, hours or days', () => {
    expect(ageLabel(at(-5 * 60e3), now)).toBe('5m');
    expect(ageLabel(at(-3 * 3600e3), now)).toBe('3h');
    expect(ageLabel(at(-3 * DAY), now)).toBe('3d');
    expect(ageLabel(at(60e3), now)).toBe('0m');
  });
});
