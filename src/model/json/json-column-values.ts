/**
 * Pure: what a JSON value must be to go into a column of a PostgreSQL type, and the canonical text two values are
 * compared by (a number by its decimal value, a timestamp with an offset by its instant, a UUID in lower case, an
 * object without its key order), so a record read back from PostgreSQL equals the one in the file.
 */
import { isJsonObject, JsonNumber, type JsonValue } from './json-text.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const integerRanges: Readonly<Record<string, readonly [bigint, bigint]>> = {
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};
const typeAliases: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int: 'integer',
  int4: 'integer',
  int8: 'bigint',
  bool: 'boolean',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  decimal: 'numeric',
  float8: 'double precision',
  float4: 'real',
  'character varying': 'varchar',
};

/** The type's family name without modifiers: `character varying(20)` → varchar, `numeric(12,2)` → numeric. */
export function baseType(type: string): string {
  const base = type.trim().toLowerCase().replace(/\s*\(.*\)\s*$/, '');
  return typeAliases[base] ?? base;
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (value instanceof JsonNumber) return 'a number';
  if (Array.isArray(value)) return 'an array';
  if (isJsonObject(value)) return 'an object';
  return typeof value === 'string' ? 'a string' : 'a boolean';
}

interface TimestampParts {
  readonly epochSeconds: number;
  readonly micros: number;
  readonly zoned: boolean;
  readonly hasTime: boolean;
}

/** A calendar date and time as written, or null when it is not one (2024-02-30 is not). */
function timestampParts(text: string): TimestampParts | null {
  const m = timestampPattern.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    offsetMinutes = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  const micros = m[7] ? Math.round(Number(`0.${m[7]}`) * 1e6) : 0;
  return { epochSeconds: utc / 1000 - offsetMinutes * 60 + Math.floor(micros / 1e6), micros: micros % 1e6, zoned: zone !== undefined, hasTime: m[4] !== undefined };
}

/**
 * Why `value` cannot go into a column of `type` as it is (a bad UUID, a string where a number is mapped…), or null
 * when it can. Types pgferry does not know are left to PostgreSQL.
 */
export function valueProblem(type: string, value: JsonValue): string | null {
  if (value === null) return null;
  const base = baseType(type);
  const expected = (what: string) => `${describe(value)} where the mapping has ${type} (${what})`;
  const hasNul = (v: JsonValue): boolean =>
    typeof v === 'string' ? v.includes('\u0000') : Array.isArray(v) ? v.some(hasNul) : isJsonObject(v) ? Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x)) : false;
  if (hasNul(value)) return 'the text holds a NUL character (\\u0000), which PostgreSQL text and jsonb cannot store';
  switch (base) {
    case 'json':
    case 'jsonb':
      return null;
    case 'uuid':
      return typeof value === 'string' && uuidPattern.test(value) ? null : typeof value === 'string' ? `"${value}" is not a UUID` : expected('a UUID string');
    case 'text':
    case 'varchar':
    case 'character':
    case 'char':
    case 'citext': {
      if (typeof value !== 'string') return expected('a string');
      const limit = /\((\d+)\)/.exec(type);
      return limit && [...value].length > Number(limit[1]) ? `${[...value].length} characters where the mapping has ${type}` : null;
    }
    case 'smallint':
    case 'integer':
    case 'bigint': {
      if (!(value instanceof JsonNumber) || !value.isInteger) return expected('a whole number');
      const [low, high] = integerRanges[base]!;
      const n = BigInt(value.text);
      return n < low || n > high ? `${value.text} is outside ${base}'s range` : null;
    }
    case 'numeric': {
      if (!(value instanceof JsonNumber)) return expected('a number');
      const typmod = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(type);
      if (!typmod) return null;
      const [precision, scale] = [Number(typmod[1]), Number(typmod[2] ?? 0)];
      const digits = integerDigits(value.text);
      return digits > precision - scale ? `${value.text} has ${digits} digits before the decimal point; ${type} holds ${precision - scale}` : null;
    }
    case 'real':
    case 'double precision':
      return value instanceof JsonNumber ? null : expected('a number');
    case 'boolean':
      return typeof value === 'boolean' ? null : expected('true or false');
    case 'timestamptz':
    case 'timestamp':
    case 'date': {
      if (typeof value !== 'string') return expected('an ISO 8601 string');
      const parts = timestampParts(value);
      const fits = parts !== null && (base === 'date' ? !parts.hasTime : base === 'timestamptz' ? parts.zoned : parts.hasTime && !parts.zoned);
      const form = base === 'date' ? 'YYYY-MM-DD' : base === 'timestamptz' ? 'YYYY-MM-DDTHH:MM:SS with Z or an offset' : 'YYYY-MM-DDTHH:MM:SS without an offset';
      if (!fits) return `"${value}" is not a ${base} (${form})`;
      // PostgreSQL keeps microseconds and would round the rest away.
      return /\.\d{6}\d*[1-9]/.test(value) ? `"${value}" is finer than the microseconds ${base} keeps (map it as text to keep it as written)` : null;
    }
    default:
      return null;
  }
}

/** How many digits a number has before its decimal point (0 for 0.5). */
function integerDigits(text: string): number {
  const canonical = canonicalNumber(text);
  const m = /^-?(\d+)e(-?\d+)$/.exec(canonical);
  return m ? Math.max(0, m[1]!.length + Number(m[2])) : 0;
}

/** A number's decimal value as text: 1.50, 1.5 and 15e-1 are all `15e-1`; -0 is 0. */
export function canonicalNumber(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return text;
  let digits = `${m[2]}${m[3] ?? ''}`.replace(/^0+/, '');
  if (digits === '') return '0';
  let exponent = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  const kept = digits.replace(/0+$/, '');
  exponent += digits.length - kept.length;
  digits = kept;
  return `${m[1]}${digits}e${exponent}`;
}

/** Any JSON value as canonical text: numbers by value, objects with their keys sorted. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return '(absent)';
  if (value instanceof JsonNumber) return canonicalNumber(value.text);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A value of a column of `type` as canonical text: a timestamp with an offset by its instant, a UUID in lower case. */
export function canonicalColumnValue(type: string, value: JsonValue | undefined): string {
  const base = baseType(type);
  if (typeof value === 'string') {
    if (base === 'uuid') return JSON.stringify(value.toLowerCase());
    if (base === 'timestamptz' || base === 'timestamp') {
      const parts = timestampParts(value);
      if (parts) return `${base}:${parts.epochSeconds}.${String(parts.micros).padStart(6, '0')}`;
    }
  }
  return canonicalJson(value);
}

/** A timestamptz as PostgreSQL's to_json writes it in UTC (…+00:00), in the form JSON files use (…Z). */
export function isoUtc(text: string): string {
  return text.replace(/\+00(?::00)?$/, 'Z');
}
