/**
 * Pure: one SQLite value (as better-sqlite3 reads it with safe integers: bigint, number, string, Buffer or null)
 * in PostgreSQL's text form for its mapped column type — what COPY takes and what the target prints back under
 * verify's settings, so the same text serves the copy and the client-side row hash. A value the type cannot hold
 * is rejected with the reason, never bent into something else.
 */
import { jsonbText } from './jsonb-text.js';
import { dateText, timeText, timestampText } from './sqlite-time.js';

export type SqliteValue = bigint | number | string | Buffer | null;
export type PgText = { readonly text: string | null } | { readonly rejected: string };

const int32 = { min: -2147483648n, max: 2147483647n };
const int16 = { min: -32768n, max: 32767n };

function storage(value: SqliteValue): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return 'an INTEGER';
  if (typeof value === 'number') return 'a REAL';
  return typeof value === 'string' ? 'a TEXT' : 'a BLOB';
}

const refuse = (value: SqliteValue, type: string): PgText => ({ rejected: `${storage(value)} value in a column that becomes ${type}` });

/** The shortest text that reads back as the same double (SQLite REAL is a double). */
export function doubleText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

function integerText(value: SqliteValue, type: string, range?: { min: bigint; max: bigint }): PgText {
  if (typeof value !== 'bigint') return refuse(value, type);
  if (range && (value < range.min || value > range.max)) return { rejected: `outside the range of ${type}` };
  return { text: value.toString() };
}

/** numeric(p,s): the decimal text padded to the scale, as PostgreSQL prints it; more places would be rounded, so refused. */
function numericText(value: SqliteValue, type: string): PgText {
  let text: string;
  if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'number' && Number.isFinite(value)) text = doubleText(value);
  else return refuse(value, type);
  const modifiers = /^numeric\((\d+)(?:,(\d+))?\)$/.exec(type);
  if (!modifiers) return { text };
  if (/e/i.test(text)) return { rejected: `${text} does not fit ${type}` };
  const [precision, scale] = [Number(modifiers[1]), Number(modifiers[2] ?? '0')];
  const [whole = '', places = ''] = text.replace(/^-/, '').split('.');
  if (places.length > scale) return { rejected: `has more decimal places than ${type} keeps (PostgreSQL would round it)` };
  if (whole.replace(/^0+/, '').length > precision - scale) return { rejected: `too large for ${type}` };
  return { text: scale === 0 ? text : `${text.split('.')[0]}.${places.padEnd(scale, '0')}` };
}

function textValue(stored: SqliteValue, type: string): PgText {
  const value = typeof stored === 'bigint' ? stored.toString() : typeof stored === 'number' ? doubleText(stored) : stored;
  if (typeof value !== 'string') return refuse(value, type);
  if (value.includes('\0')) return { rejected: 'holds a NUL character, which PostgreSQL text cannot' };
  const sized = /^(var)?char\((\d+)\)$/.exec(type);
  if (!sized) return { text: value };
  const length = Number(sized[2]);
  // PostgreSQL counts characters, and cuts (without an error) only trailing spaces past the length.
  const characters = [...value.replace(/ +$/, '')].length;
  if (characters > length) return { rejected: `${characters} characters, longer than ${type} holds` };
  // It stores char(n) padded with spaces and prints it so; varchar(n) keeps at most n of the trailing spaces.
  const kept = [...value].slice(0, length).join('');
  return { text: sized[1] ? kept : kept.padEnd(length, ' ') };
}

/** A UUID as PostgreSQL prints it (lower case, hyphenated): from its text in either case, or 16 bytes. */
function uuidText(value: SqliteValue): PgText {
  let hex: string | undefined;
  if (Buffer.isBuffer(value) && value.length === 16) hex = value.toString('hex');
  else if (typeof value === 'string' && /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(value)) hex = value.replace(/[{}-]/g, '').toLowerCase();
  if (hex === undefined) return { rejected: `${storage(value)} value that is not a UUID` };
  return { text: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
}

/**
 * `value` as PostgreSQL's text input for a column of `type` (the model's type name), or why it cannot be.
 *
 * @example pgText(1n, 'boolean') // { text: 't' }
 * @example pgText('2024-01-02 03:04:05', 'timestamptz') // { text: '2024-01-02 03:04:05+00' }
 */
export function pgText(value: SqliteValue, type: string): PgText {
  if (value === null) return { text: null };
  switch (type) {
    case 'bigint':
      return integerText(value, type);
    case 'integer':
      return integerText(value, type, int32);
    case 'smallint':
      return integerText(value, type, int16);
    case 'boolean':
      if (value === 0n || value === 1n) return { text: value === 1n ? 't' : 'f' };
      return typeof value === 'bigint' ? { rejected: 'neither 0 nor 1 in a column that becomes boolean' } : refuse(value, type);
    case 'double precision':
      if (typeof value === 'number') return { text: doubleText(value) };
      return typeof value === 'bigint' ? { text: value.toString() } : refuse(value, type);
    case 'timestamptz':
    case 'timestamp':
      return typeof value === 'string' || typeof value === 'bigint' || typeof value === 'number' ? timestampText(value, type === 'timestamptz') : refuse(value, type);
    case 'date':
      return typeof value === 'string' ? dateText(value) : refuse(value, type);
    case 'bytea':
      if (Buffer.isBuffer(value)) return { text: `\\x${value.toString('hex')}` };
      return typeof value === 'string' ? { text: `\\x${Buffer.from(value, 'utf8').toString('hex')}` } : refuse(value, type);
    case 'jsonb':
      if (typeof value === 'bigint') return { text: value.toString() };
      if (typeof value === 'number') return Number.isFinite(value) ? jsonbText(doubleText(value)) : { rejected: 'not a finite number, which JSON cannot hold' };
      return typeof value === 'string' ? jsonbText(value) : refuse(value, type);
    case 'json':
      if (typeof value !== 'string') return typeof value === 'bigint' || typeof value === 'number' ? textValue(value, type) : refuse(value, type);
      return 'rejected' in jsonbText(value) ? { rejected: 'not valid JSON' } : textValue(value, type);
    case 'uuid':
      return uuidText(value);
    case 'time':
      return typeof value === 'string' ? timeText(value) : refuse(value, type);
    default:
      if (type.startsWith('numeric')) return numericText(value, type);
      if (Buffer.isBuffer(value)) return type === 'text' || /^(var)?char/.test(type) ? refuse(value, type) : { text: `\\x${value.toString('hex')}` };
      return textValue(value, type);
  }
}

/** A value as a message shows it: clipped, a BLOB as hex. */
export function shownValue(value: SqliteValue): string {
  const escaped = (text: string) => text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const text = Buffer.isBuffer(value) ? `x'${value.toString('hex')}'` : typeof value === 'string' ? `'${escaped(value)}'` : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
