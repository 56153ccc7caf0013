/** The identity sequences a SQLite file implies: each rowid alias's next value, as PostgreSQL's setval takes it. */
import type Database from 'better-sqlite3';
import type { SequenceValue } from '../endpoint.js';
import { quoteSqliteIdent, type SqliteSourceTable } from './sqlite-source-tables.js';

function hasSqliteSequence(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'").get() !== undefined;
}

/**
 * Past the largest rowid copied; with AUTOINCREMENT also past sqlite_sequence's seq, the highest rowid ever handed
 * out (SQLite never reuses those, even after deletes). An empty table's sequence starts at 1.
 */
export function readSqliteSequenceValues(db: Database.Database, tables: readonly SqliteSourceTable[]): SequenceValue[] {
  const seqs = hasSqliteSequence(db) ? db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').safeIntegers(true) : undefined;
  return tables.flatMap((t) => {
    if (!t.identity) return [];
    const max = (db.prepare(`SELECT max(_rowid_) FROM ${quoteSqliteIdent(t.sqliteName)}`).pluck().safeIntegers(true).get() as bigint | null) ?? null;
    const seq = t.identity.autoincrement ? ((seqs?.pluck().get(t.sqliteName) as bigint | undefined) ?? null) : null;
    const last = [max, seq].reduce<bigint | null>((a, b) => (b !== null && (a === null || b > a) ? b : a), null);
    const { schema, name } = t.identity.sequence;
    return [last === null || last < 1n ? { schema, name, lastValue: '1', isCalled: false } : { schema, name, lastValue: last.toString(), isCalled: true }];
  });
}
