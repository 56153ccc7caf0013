/** Opens a SQLite file read-only and holds one read transaction, so every read sees one snapshot. */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PgferryError } from '../../errors/pgferry-error.js';

export interface SqliteSnapshot {
  readonly db: Database.Database;
  /** Ends the read transaction and closes the file. */
  close(): void;
}

/**
 * The transaction starts at its first read, so one is made here: later reads (the schema, then the rows) share it.
 * While an application holds the file's write lock ("database is locked"), the open waits up to `busyMs`.
 */
export function openSqliteSnapshot(path: string, busyMs = 60_000): SqliteSnapshot {
  if (!existsSync(path)) {
    throw new PgferryError('SQLITE_READ_FAILED', `the SQLite database ${path} does not exist`, {
      hint: 'Give the path of the database file: sqlite:///absolute/path/app.db, or a relative path ending .db, .sqlite or .sqlite3.',
    });
  }
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyMs });
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    throw new PgferryError('SQLITE_READ_FAILED', `cannot read the SQLite database ${path}: ${(error as Error).message}`, {
      hint: 'Check that the file exists, is a SQLite database and that this user may read it (and its -wal file); "database is locked" means an application held its write lock longer than lockWaitSeconds.',
      cause: error,
    });
  }
  return {
    db,
    close() {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
    },
  };
}
