/** A SQLite file's backup: a copy taken with SQLite's online backup API, in the read transaction the run holds. */
import Database from 'better-sqlite3';
import { PgferryError } from '../../errors/pgferry-error.js';
import type { NativeDump } from '../endpoint.js';
import { sqliteVersion } from './sqlite-inventory.js';

export const sqliteBackupFile = 'database.sqlite';

export function sqliteBackup(db: Database.Database): NativeDump {
  return {
    kind: 'sqlite',
    fileName: sqliteBackupFile,
    notTestRestorable: 'restoring a SQLite backup is not supported yet (the file is a SQLite database: copy it back by hand)',
    tool: { path: 'SQLite online backup API', version: sqliteVersion(db) },
    dumpDatabase: async (file) => {
      try {
        await db.backup(file);
      } catch (error) {
        throw new PgferryError('BACKUP_FAILED', `SQLite's online backup into ${file} failed: ${(error as Error).message}`, {
          hint: 'Check the free space and permissions of the backup directory, then run again.',
          cause: error,
        });
      }
    },
    dumpRoles: async () => ({ written: false }),
    // Reading the copy's whole schema back proves it is a SQLite database that opens.
    countEntries: async (file) => {
      const copy = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return (copy.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
      } finally {
        copy.close();
      }
    },
  };
}
