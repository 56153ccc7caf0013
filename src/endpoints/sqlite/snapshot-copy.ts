/**
 * A private copy of the snapshot for copy threads: in WAL mode the application may commit while pgferry reads, and
 * only the endpoint's own connection sees its snapshot, so threads read a copy taken in that snapshot (SQLite's
 * online backup API, about a second per 400 MB) that no one writes. Null when the temporary directory lacks room:
 * the tables are then read on the main thread.
 */
import { mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface SnapshotCopy {
  readonly file: string;
  remove(): void;
}

export async function snapshotCopy(db: Database.Database, source: string): Promise<SnapshotCopy | null> {
  const space = statfsSync(tmpdir());
  if (space.bavail * space.bsize < statSync(source).size * 1.2 + 64 * 1024 * 1024) return null;
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-snapshot-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const file = join(dir, 'snapshot.sqlite');
    await db.backup(file);
    // A rollback-journal file opens read-only anywhere; a WAL one would need its -shm.
    const copy = new Database(file);
    copy.pragma('journal_mode = DELETE');
    copy.close();
    return { file, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
