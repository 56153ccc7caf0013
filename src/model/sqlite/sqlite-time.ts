/**
 * Pure: SQLite's date and time values (ISO-8601 text, unix epochs, Julian days) as PostgreSQL prints them with
 * TimeZone UTC and DateStyle ISO, so what the copy sends is what verify later reads back from the target.
 */

/** Microseconds since 1970-01-01 00:00:00 UTC, or why the value is not a point in time. */
type Instant = { readonly micros: bigint } | { readonly rejected: string };

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** A unix epoch in seconds, unless so large that only milliseconds make it a date before the year 5000. */
const millisFrom = 100_000_000_000n;
/** A REAL between these is a Julian day number, as SQLite's date functions read it (years 0–9999 roughly). */
const julianDays = { min: 1_721_059.5, max: 5_373_484.5 };
const julianUnixEpoch = 2_440_587.5;

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

function fromIsoText(text: string): Instant {
  const m = isoPattern.exec(text.trim());
  if (!m) return { rejected: 'not an ISO-8601 date or time SQLite\'s date functions read' };
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(ms);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return { rejected: 'not a valid calendar date and time' };
  }
  if (fraction.length > 6) return { rejected: 'more than microsecond precision' };
  const micros = BigInt(ms) * 1000n + BigInt(fraction.padEnd(6, '0')) - BigInt(offsetMinutes(zone)) * 60_000_000n;
  return { micros };
}

function fromNumber(value: bigint | number): Instant {
  if (typeof value === 'bigint') return { micros: value >= millisFrom || value <= -millisFrom ? value * 1000n : value * 1_000_000n };
  if (!Number.isFinite(value)) return { rejected: 'not a finite number' };
  const seconds = value > julianDays.min && value < julianDays.max ? (value - julianUnixEpoch) * 86_400 : value;
  return { micros: BigInt(Math.round(seconds * 1_000_000)) };
}

/** "YYYY-MM-DD HH:MM:SS[.ffffff]" of an instant in UTC, the fraction without trailing zeros; null outside years 1–9999. */
function formatUtc(micros: bigint): string | null {
  const ms = Number((micros - (((micros % 1000n) + 1000n) % 1000n)) / 1000n);
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (Number.isNaN(ms) || year < 1 || year > 9999) return null;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const fraction = String(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n).padStart(6, '0').replace(/0+$/, '');
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction ? `.${fraction}` : ''}`;
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${time}`;
}

const plainPattern = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * The form most files hold, `YYYY-MM-DD HH:MM:SS` (or with a T), checked without building a Date: the same text
 * back when it is a valid time in years 1–9999, else null (the general path then says why).
 */
function plainTimestamp(text: string): string | null {
  if (text.length !== 19) return null;
  const m = plainPattern.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  if (y < 1 || days === undefined || d < 1 || d > days || h > 23 || mi > 59 || s > 59) return null;
  return text[10] === 'T' ? `${text.slice(0, 10)} ${text.slice(11)}` : text;
}

/**
 * A DATETIME value as timestamptz (`withZone`) or timestamp text: ISO text (without an offset read as UTC, as
 * SQLite's date functions do), an INTEGER unix epoch in seconds or, from 10^11 on, milliseconds, a REAL epoch with
 * a fraction, or a REAL Julian day.
 */
export function timestampText(value: string | bigint | number, withZone: boolean): { text: string } | { rejected: string } {
  const plain = typeof value === 'string' ? plainTimestamp(value) : null;
  if (plain !== null) return { text: withZone ? `${plain}+00` : plain };
  const instant = typeof value === 'string' ? fromIsoText(value) : fromNumber(value);
  if ('rejected' in instant) return instant;
  const text = formatUtc(instant.micros);
  if (text === null) return { rejected: 'outside the years 1 to 9999' };
  return { text: withZone ? `${text}+00` : text };
}

/** A DATE value: ISO text of a day (a time of day, if any, must be midnight). */
export function dateText(value: string): { text: string } | { rejected: string } {
  const converted = timestampText(value, false);
  if ('rejected' in converted) return converted;
  if (!converted.text.endsWith(' 00:00:00')) return { rejected: 'holds a time of day, which a date column drops' };
  return { text: converted.text.slice(0, 10) };
}

/** A TIME value: `HH:MM[:SS[.fff]]` text, as PostgreSQL prints a time (seconds always, the fraction trimmed). */
export function timeText(value: string): { text: string } | { rejected: string } {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/.exec(value.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? '0') > 59) return { rejected: 'not a time of day HH:MM[:SS[.ffffff]]' };
  const fraction = (m[4] ?? '').replace(/0+$/, '');
  return { text: `${m[1]}:${m[2]}:${m[3] ?? '00'}${fraction ? `.${fraction}` : ''}` };
}
