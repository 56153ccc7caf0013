/**
 * A SQLite table's rows, converted to PostgreSQL's text form, in pages. better-sqlite3 is synchronous and a
 * connection runs one statement at a time: each page is a statement run to its end, so readers that take turns on
 * the one connection (and its one read transaction) never meet a half-read statement, and the event loop runs
 * between pages.
 */
import type Database from 'better-sqlite3';
import { PgferryError } from '../../errors/pgferry-error.js';
import { pgText, shownValue, type SqliteValue } from '../../model/sqlite/pg-text-value.js';
import { quoteSqliteIdent, type SqliteSourceColumn, type SqliteSourceTable } from './sqlite-source-tables.js';

const pageRows = 2_000;

type RawRow = readonly SqliteValue[];

/** Pages in rowid order, or for a WITHOUT ROWID table in key order; each raw row starts with what names it. */
function* rawPages(db: Database.Database, table: SqliteSourceTable, columns: readonly SqliteSourceColumn[]): Generator<RawRow[]> {
  const list = columns.map((c) => quoteSqliteIdent(c.sqliteName)).join(', ');
  const from = quoteSqliteIdent(table.sqliteName);
  if (table.withoutRowid) {
    const key = table.sqliteKey.map(quoteSqliteIdent);
    const page = db.prepare(`SELECT ${[...key, list].filter(Boolean).join(', ')} FROM ${from} ORDER BY ${key.join(', ')} LIMIT ? OFFSET ?`).raw(true).safeIntegers(true);
    for (let offset = 0; ; offset += pageRows) {
      const rows = page.all(pageRows, offset) as SqliteValue[][];
      if (rows.length === 0) return;
      yield rows.map((r) => [`(${r.slice(0, key.length).map(String).join(', ')})`, ...r.slice(key.length)]);
    }
  }
  const page = db.prepare(`SELECT _rowid_${list ? `, ${list}` : ''} FROM ${from} WHERE _rowid_ > ? ORDER BY _rowid_ LIMIT ?`).raw(true).safeIntegers(true);
  for (let after: bigint = -(2n ** 63n); ; ) {
    const rows = page.all(after, pageRows) as SqliteValue[][];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]![0] as bigint;
    yield rows;
  }
}

function rejected(table: SqliteSourceTable, rowid: SqliteValue, column: SqliteSourceColumn, value: SqliteValue, reason: string): PgferryError {
  const row = table.withoutRowid ? `key ${String(rowid)}` : `rowid ${String(rowid)}`;
  return new PgferryError('SQLITE_VALUE_REJECTED', `table ${table.sqliteName}, ${row}, column ${column.sqliteName}: value ${shownValue(value)} rejected: ${reason}`, {
    hint: `Fix the value in the SQLite file (UPDATE ${quoteSqliteIdent(table.sqliteName)} SET ${quoteSqliteIdent(column.sqliteName)} = … WHERE ${table.withoutRowid ? '<key>' : `rowid = ${String(rowid)}`}), or give the column a type that holds it with a cast rule; nothing of this table was loaded.`,
  });
}

/**
 * The rows of `columns` of `table`, each value in PostgreSQL's text form for its column's type; the first value
 * that does not convert fails the read with SQLITE_VALUE_REJECTED.
 */
export async function* convertedRows(db: Database.Database, table: SqliteSourceTable, columns: readonly SqliteSourceColumn[]): AsyncGenerator<ReadonlyArray<string | null>> {
  for (const page of rawPages(db, table, columns)) {
    for (const raw of page) {
      yield columns.map((column, i) => {
        const value = raw[i + 1] ?? null;
        const converted = pgText(value, column.type);
        if ('rejected' in converted) throw rejected(table, raw[0] ?? null, column, value, converted.rejected);
        return converted.text;
      });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
