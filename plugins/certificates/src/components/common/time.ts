const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600e3],
  ['month', 30 * 24 * 3600e3],
  ['week', 7 * 24 * 3600e3],
  ['day', 24 * 3600e3],
  ['hour', 3600e3],
  ['minute', 60e3],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "in 12 days", "3 hours ago"; days are used up to 8 weeks because expiry is counted in days. */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const diff = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(diff)) return 'unknown';
  const abs = Math.abs(diff);
  for (const [unit, ms] of UNITS) {
    if (unit === 'month' && abs < 60 * 24 * 3600e3) continue;
    if (unit === 'week') continue;
    if (abs >= ms) {
      return relative.format(Math.round(diff / ms), unit);
    }
  }
  return diff >= 0 ? 'in less than a minute' : 'just now';
}

/** A fixed, locale-independent absolute time: 2026-12-10 14:00 UTC. */
export function formatAbsolute(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Whole days from now until the instant (negative when past). */
export function daysUntil(iso: string, now: Date = new Date()): number {
  return Math.floor((new Date(iso).getTime() - now.getTime()) / (24 * 3600e3));
}
