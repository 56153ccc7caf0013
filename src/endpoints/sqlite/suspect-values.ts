/**
 * SQL that finds, without converting every value in JavaScript, the rows whose values might not convert to their
 * columns' types: a superset of them (a row it leaves out always converts), so only those rows need converting to
 * learn what the value policy sets aside.
 */
import { quoteSqliteIdent, type SqliteSourceColumn } from './sqlite-source-tables.js';

const ranges: Record<string, readonly [string, string]> = { integer: ['-2147483648', '2147483647'], smallint: ['-32768', '32767'] };

/**
 * Text with a byte from 0x80 on (GLOB reads any such byte as a character past U+007F): the driver cannot tell whether
 * its bytes are valid UTF-8 without looking at them. Plain ASCII, newlines and tabs included, always is.
 */
const notPlainAscii = (c: string) => `${c} GLOB '*[^' || char(1) || '-' || char(127) || ']*'`;

/**
 * ISO text a timestamp column takes as it is: `YYYY-MM-DD HH:MM:SS` (or with a T), then nothing, a fraction of up
 * to six digits, and/or a Z, when SQLite's own datetime() gives the day and time back unchanged (a valid calendar
 * day, hours below 24) in the years 1–9999.
 */
function plainIsoText(c: string): string {
  const rest = `substr(${c}, 20)`;
  const fraction = `(CASE WHEN ${rest} GLOB '*Z' THEN substr(${rest}, 1, length(${rest}) - 1) ELSE ${rest} END)`;
  return (
    `typeof(${c}) = 'text' AND ${c} >= '0001' AND substr(${c}, 12, 2) < '24' AND datetime(${c}) IS replace(substr(${c}, 1, 19), 'T', ' ') ` +
    `AND (${fraction} = '' OR (${fraction} GLOB '.[0-9]*' AND NOT substr(${fraction}, 2) GLOB '*[^0-9]*' AND length(${fraction}) BETWEEN 2 AND 7))`
  );
}

/** True (in SQL) for every value of `column` that might not convert. */
function suspect(column: SqliteSourceColumn): string {
  const c = quoteSqliteIdent(column.sqliteName);
  const type = column.type;
  const conditions: string[] = column.notNull ? [`${c} IS NULL`] : [];
  const sized = /^(?:var)?char\((\d+)\)$/.exec(type);
  if (type === 'bigint') conditions.push(`typeof(${c}) NOT IN ('integer', 'null')`);
  else if (ranges[type]) conditions.push(`typeof(${c}) NOT IN ('integer', 'null') OR ${c} NOT BETWEEN ${ranges[type]![0]} AND ${ranges[type]![1]}`);
  else if (type === 'boolean') conditions.push(`${c} IS NOT NULL AND NOT (typeof(${c}) = 'integer' AND ${c} IN (0, 1))`);
  else if (type === 'double precision') conditions.push(`typeof(${c}) NOT IN ('integer', 'real', 'null')`);
  else if (type === 'numeric') conditions.push(`typeof(${c}) NOT IN ('integer', 'real', 'null') OR ${c} IN (9e999, -9e999)`);
  else if (type === 'text' || sized) {
    conditions.push(`typeof(${c}) = 'blob' OR (typeof(${c}) = 'text' AND (instr(${c}, char(0)) > 0 OR ${notPlainAscii(c)}))`);
    // A number's text is JavaScript's (1e+21), not SQLite's (1.0e+21): its length is checked where it is made.
    if (sized) conditions.push(`typeof(${c}) NOT IN ('text', 'null') OR length(${c}) > ${sized[1]}`);
  } else if (type === 'bytea') conditions.push(`typeof(${c}) IN ('integer', 'real')`);
  else if (type === 'timestamptz' || type === 'timestamp') {
    // Plain ISO text SQLite's own datetime() gives back unchanged (so a valid day and time), and epoch seconds or
    // milliseconds between the years 1970 and 9999, always convert; any other value is looked at.
    conditions.push(`${c} IS NOT NULL AND NOT ((${plainIsoText(c)}) OR (typeof(${c}) = 'integer' AND ${c} BETWEEN 0 AND 253402300799999))`);
  } else if (type === 'date') conditions.push(`${c} IS NOT NULL AND NOT (typeof(${c}) = 'text' AND length(${c}) = 10 AND ${c} >= '0001' AND date(${c}) IS ${c})`);
  else if (type === 'jsonb' || type === 'json') {
    // SQLite's json_valid() is RFC 8259; what jsonb refuses beyond that (\u0000, lone surrogates, numbers past
    // numeric's range) is looked at wherever an escape or a long exponent appears.
    conditions.push(
      `${c} IS NOT NULL AND NOT (typeof(${c}) IN ('text', 'integer') AND json_valid(${c}) AND instr(${c}, '\\u') = 0 AND NOT ${c} GLOB '*[eE][0-9+-][0-9][0-9][0-9]*')`,
    );
  }
  // numeric(p,s), times, UUID and any type a plan names: every value is looked at.
  else conditions.push(`${c} IS NOT NULL`);
  return conditions.map((x) => `(${x})`).join(' OR ');
}

/** A WHERE condition true for every row with a value that might not convert (over `columns`). */
export function suspectRows(columns: readonly SqliteSourceColumn[]): string | null {
  return columns.length === 0 ? null : columns.map((c) => `(${suspect(c)})`).join(' OR ');
}

/** One SQL flag per column, 1 where that column's value might not convert: the only values worth converting. */
export function suspectFlags(columns: readonly SqliteSourceColumn[]): string[] {
  return columns.map((c) => `coalesce(${suspect(c)}, 0)`);
}
