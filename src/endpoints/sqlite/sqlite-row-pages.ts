/**
 * A SQLite table's rows, converted to PostgreSQL's text form, in pages. better-sqlite3 is synchronous and a
 * connection runs one statement at a time: each page is a statement run to its end, so readers that take turns on
 * the one connection (and its one read transaction) never meet a half-read statement, and the event loop runs
 * between pages. A value its column's type does not take is handled by the column's value policy.
 */
import type Database from 'better-sqlite3';
import { PgferryError } from '../../errors/pgferry-error.js';
import { pgText, shownValue, type PgText, type SqliteValue } from '../../model/sqlite/pg-text-value.js';
import type { SetAside } from '../table-rows.js';
import { quoteSqliteIdent, type SqliteSourceColumn, type SqliteSourceTable } from './sqlite-source-tables.js';

const pageRows = 2_000;

/**
 * One page of rows as read: each row starts with the `width` values that name it (the rowid, or a WITHOUT ROWID
 * table's key), then the columns' (no copy per row: a table of millions of rows is read this way).
 */
export interface RawPage {
  readonly width: number;
  readonly rows: readonly (readonly SqliteValue[])[];
}

export function keyOf(row: readonly SqliteValue[], width: number): SqliteValue[] {
  return row.slice(0, width);
}

/**
 * Pages in rowid order, or for a WITHOUT ROWID table in key order (by key value, never OFFSET, so each page costs
 * the same), of `columns` and then any `extra` SQL expressions; `where` keeps only some rows.
 */
export function* rawPages(db: Database.Database, table: SqliteSourceTable, columns: readonly SqliteSourceColumn[], options: { where?: string; extra?: readonly string[] } = {}): Generator<RawPage> {
  const list = [...columns.map((c) => quoteSqliteIdent(c.sqliteName)), ...(options.extra ?? [])];
  const from = quoteSqliteIdent(table.sqliteName);
  const also = options.where ? ` AND (${options.where})` : '';
  const key = table.withoutRowid ? table.sqliteKey.map(quoteSqliteIdent) : ['_rowid_'];
  const first = db.prepare(`SELECT ${[...key, ...list].join(', ')} FROM ${from} WHERE true${also} ORDER BY ${key.join(', ')} LIMIT ?`).raw(true).safeIntegers(true);
  const after = db.prepare(`SELECT ${[...key, ...list].join(', ')} FROM ${from} WHERE (${key.join(', ')}) > (${key.map(() => '?').join(', ')})${also} ORDER BY ${key.join(', ')} LIMIT ?`).raw(true).safeIntegers(true);
  const width = key.length;
  let rows = first.all(pageRows) as SqliteValue[][];
  while (rows.length > 0) {
    // The driver reads bytes that are not UTF-8 as U+FFFD: a key read so can neither find its row again nor say
    // where the next page starts.
    const unreadable = table.withoutRowid ? rows.find((r) => keyOf(r, width).some((v) => typeof v === 'string' && v.includes('\uFFFD'))) : undefined;
    if (unreadable) throw unreadableKey(table, keyOf(unreadable, width));
    yield { width, rows };
    rows = after.all(...keyOf(rows[rows.length - 1]!, width), pageRows) as SqliteValue[][];
  }
}

function unreadableKey(table: SqliteSourceTable, key: readonly SqliteValue[]): PgferryError {
  return new PgferryError('SQLITE_READ_FAILED', `table ${table.sqliteName}: the primary key ${rowName(table, key)} holds text that may not be valid UTF-8, so the table cannot be read in key order past it`, {
    hint: 'Fix that key in the SQLite file (a WITHOUT ROWID table is read by its key), then run again.',
  });
}

/**
 * How a message and the reject file name a row: `17` (its rowid), or a WITHOUT ROWID table's key as a JSON array of
 * its values (`["a, b","c"]`), which no other key can spell the same way (an integer and its text apart: `[1]`, `["1"]`).
 */
export function rowName(table: SqliteSourceTable, key: readonly SqliteValue[]): string {
  if (!table.withoutRowid) return String(key[0]);
  return `[${key.map((v) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? JSON.stringify({ blob: v.toString('hex') }) : JSON.stringify(v))).join(',')}]`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The driver reads text that is not valid UTF-8 with U+FFFD in place of the bad bytes. A text holding U+FFFD is
 * read again as bytes: when they are not valid UTF-8 the value is those bytes, and no text type takes it.
 */
function checkedText(db: Database.Database, table: SqliteSourceTable, key: readonly SqliteValue[], column: SqliteSourceColumn, value: string): SqliteValue {
  const where = table.withoutRowid ? table.sqliteKey.map((k) => `${quoteSqliteIdent(k)} = ?`).join(' AND ') : '_rowid_ = ?';
  const bytes = db.prepare(`SELECT CAST(${quoteSqliteIdent(column.sqliteName)} AS BLOB) FROM ${quoteSqliteIdent(table.sqliteName)} WHERE ${where}`).pluck().get(...key) as Buffer | null;
  if (!bytes) return value;
  try {
    strictUtf8.decode(bytes);
    return value;
  } catch {
    return bytes;
  }
}

/**
 * A value of `row` (whose first `width` values name it) as the copy reads it: text that is not valid UTF-8 becomes
 * its bytes. The row's key is taken only for such a text, so the common value costs nothing more.
 */
export function readValue(db: Database.Database, table: SqliteSourceTable, row: readonly SqliteValue[], width: number, column: SqliteSourceColumn, value: SqliteValue): SqliteValue {
  return typeof value === 'string' && value.includes('\uFFFD') ? checkedText(db, table, keyOf(row, width), column, value) : value;
}

/** `value` (as `readValue` gives it, `stored` as SQLite holds it) in the text form of `column`'s type, or why not. */
export function convertValue(value: SqliteValue, stored: SqliteValue, column: SqliteSourceColumn): PgText {
  if (typeof stored === 'string' && Buffer.isBuffer(value) && column.type !== 'bytea') return { rejected: 'text that is not valid UTF-8' };
  const converted = pgText(value, column.type);
  if ('text' in converted && converted.text === null && column.notNull) return { rejected: 'NULL in a column that is NOT NULL in PostgreSQL (part of the primary key, which SQLite lets hold NULL)' };
  return converted;
}

function valueRejected(table: SqliteSourceTable, entry: SetAside): PgferryError {
  const row = table.withoutRowid ? `key ${entry.rowid}` : `rowid ${entry.rowid}`;
  return new PgferryError('SQLITE_VALUE_REJECTED', `table ${table.sqliteName}, ${row}, column ${entry.column}: value ${entry.value} rejected: ${entry.reason}`, {
    hint: `Fix the value in the SQLite file (UPDATE ${quoteSqliteIdent(table.sqliteName)} SET ${quoteSqliteIdent(entry.column)} = … WHERE ${table.withoutRowid ? '<key>' : `rowid = ${entry.rowid}`}), give the column a type that holds it (sqlite.columns in the plan), or choose a value policy other than fail (sqlite.values: reject, null or widen); nothing of this table was loaded.`,
  });
}

/**
 * What a foreign key does to a row whose reference the target would refuse (the referenced row is missing, or was
 * itself set aside): `reject` leaves the row out, `null` makes the key's columns NULL, `fail` fails the table.
 */
export interface RelationalVerdict {
  readonly policy: 'reject' | 'null' | 'fail';
  /** One entry per key column for `null`, one for the row otherwise. */
  readonly entries: readonly SetAside[];
}

/** Rows (by `rowName`) whose references the value policy decides, known before the table is read. */
export type RelationalVerdicts = ReadonlyMap<string, RelationalVerdict>;

export const noRelationalVerdicts: RelationalVerdicts = new Map();

/** One row after the policies: its values, or null when it is left out; and what was set aside of it. */
export interface PolicedRow {
  readonly values: Array<string | null> | null;
  readonly entries: readonly SetAside[];
}

/**
 * Converts one row. A value that does not convert goes by its column's policy: `fail` throws SQLITE_VALUE_REJECTED;
 * `null` makes it NULL (unless the column is NOT NULL); otherwise (`reject`, or `widen` when no wider type took it)
 * the row is left out. A row's relational verdict comes first. `only`, when given, says which columns need
 * converting (the others are known to convert and are not looked at: their values come back null).
 */
export function policedRow(
  db: Database.Database,
  table: SqliteSourceTable,
  columns: readonly SqliteSourceColumn[],
  row: readonly SqliteValue[],
  width: number,
  relational: RelationalVerdicts,
  only?: readonly boolean[],
): PolicedRow {
  const verdict = relational.size > 0 ? relational.get(rowName(table, keyOf(row, width))) : undefined;
  if (verdict?.policy === 'fail') throw valueRejected(table, verdict.entries[0]!);
  if (verdict?.policy === 'reject') return { values: null, entries: verdict.entries };
  const nulledByKey = verdict ? new Set(verdict.entries.map((e) => e.column)) : undefined;
  const values: Array<string | null> = new Array(columns.length).fill(null);
  let nulled: SetAside[] | undefined = verdict ? [...verdict.entries] : undefined;
  for (let i = 0; i < columns.length; i += 1) {
    const column = columns[i]!;
    if (nulledByKey?.has(column.sqliteName) || (only && !only[i])) continue;
    const stored = row[width + i] ?? null;
    const value = readValue(db, table, row, width, column, stored);
    const converted = convertValue(value, stored, column);
    if ('text' in converted) {
      values[i] = converted.text;
      continue;
    }
    const entry: SetAside = { action: 'rejected', table: table.sqliteName, rowid: rowName(table, keyOf(row, width)), column: column.sqliteName, value: shownValue(value), reason: converted.rejected };
    if (column.policy === 'fail') throw valueRejected(table, entry);
    if (column.policy === 'null' && !column.notNull) {
      (nulled ??= []).push({ ...entry, action: 'nulled' });
      continue;
    }
    return { values: null, entries: [entry] };
  }
  return { values, entries: nulled ?? noEntries };
}

const noEntries: readonly SetAside[] = [];

/**
 * The rows of `columns` of `table`, each value in PostgreSQL's text form for its column's type, after the value
 * policies (`policedRow`); each value nulled and each row left out is handed to `setAside` first.
 */
export async function* convertedRows(
  db: Database.Database,
  table: SqliteSourceTable,
  columns: readonly SqliteSourceColumn[],
  setAside: (entry: SetAside) => void | Promise<void>,
  relational: RelationalVerdicts = noRelationalVerdicts,
): AsyncGenerator<ReadonlyArray<string | null>> {
  for (const page of rawPages(db, table, columns)) {
    for (const raw of page.rows) {
      const row = policedRow(db, table, columns, raw, page.width, relational);
      for (const entry of row.entries) await setAside(entry);
      if (row.values) yield row.values;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
