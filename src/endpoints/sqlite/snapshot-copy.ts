/**
 * A private copy of the snapshot for worker threads. Only the endpoint's own connection sees its snapshot: in WAL
 * mode the application may commit meanwhile, and in the other modes a writer waiting to commit keeps new readers
 * out. So threads read a copy taken in that snapshot (SQLite's online backup API, about a second per 400 MB) that
 * no one writes and no lock guards. Null when the copy cannot be made (no room in the temporary directory, or it
 * failed): the tables are then read on the main thread, as without threads.
 */
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface SnapshotCopy {
  readonly file: string;
  remove(): void;
}

export async function snapshotCopy(db: Database.Database): Promise<SnapshotCopy | null> {
  let dir: string | undefined;
  const removeDir = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // The snapshot's size is its pages (the WAL's not yet checkpointed included), not the main file's.
    const bytes = Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
    const space = statfsSync(tmpdir());
    if (space.bavail * space.bsize < bytes * 1.2 + 64 * 1024 * 1024) return null;
    dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-snapshot-'));
    // Ctrl-C and SIGTERM end the process through exit: a copy of the user's data is never left behind.
    process.once('exit', removeDir);
    const file = join(dir, 'snapshot.sqlite');
    await db.backup(file);
    // A rollback-journal file opens read-only anywhere; a WAL one would need its -shm.
    const copy = new Database(file);
    copy.pragma('journal_mode = DELETE');
    copy.close();
    return {
      file,
      remove: () => {
        process.removeListener('exit', removeDir);
        removeDir();
      },
    };
  } catch {
    process.removeListener('exit', removeDir);
    removeDir();
    return null;
  }
}
