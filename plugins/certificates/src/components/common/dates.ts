// Every date the plugin shows goes through here, in the browser's locale
// (`undefined` lets Intl pick it), so the same instant reads the same way on
// every page.

const DAY = 24 * 3600e3;

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * DAY],
  ['month', 30 * DAY],
  ['day', DAY],
  ['hour', 3600e3],
  ['minute', 60e3],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** How absolute instants are written: date, time and zone, in the browser's locale. */
export const ABSOLUTE_FORMAT: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

const absolute = new Intl.DateTimeFormat(undefined, ABSOLUTE_FORMAT);

// Week buckets start at midnight UTC: read in another zone they would show the day before.
const utcDay = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

function millis(now: Date | number): number {
  return typeof now === 'number' ? now : now.getTime();
}

/** "in 12 days", "3 hours ago"; days are used up to 8 weeks because expiry is counted in days. */
export function formatRelative(
  iso: string,
  now: Date | number = Date.now(),
): string {
  const diff = new Date(iso).getTime() - millis(now);
  if (Number.isNaN(diff)) return 'unknown';
  const abs = Math.abs(diff);
  for (const [unit, ms] of UNITS) {
    if (unit === 'month' && abs < 60 * DAY) continue;
    if (abs >= ms) {
      return relative.format(Math.round(diff / ms), unit);
    }
  }
  return diff >= 0 ? 'in less than a minute' : 'just now';
}

/** The instant with date, time and time zone, e.g. "Dec 10, 2026, 02:00 PM UTC". */
export function formatAbsolute(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return absolute.format(date);
}

/** The calendar day of a UTC date, short: "Dec 7". */
export function formatUtcDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return utcDay.format(date);
}

/** Age as a short label: "5m", "3h", "2d". */
export function ageLabel(iso: string, now: Date | number = Date.now()): string {
  const minutes = Math.max(
    0,
    Math.floor((millis(now) - new Date(iso).getTime()) / 60_000),
  );
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
