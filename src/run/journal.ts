/**
 * The run's journal: a SQLite file a person can open. It records the plan's hash, each step's state with rows
 * and bytes, and an event log. A step is marked done only after its work is committed on the target, and every
 * step is safe to run again, so resuming is a lookup: done steps are skipped, started ones are redone.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { PgferryError } from '../errors/pgferry-error.js';
import { finishedBackupPath, finishedJournalPath, type RunPaths } from './run-paths.js';

const schema = `
  CREATE TABLE IF NOT EXISTS run (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS steps (
    id          TEXT PRIMARY KEY,
    phase       TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done')),
    attempts    INTEGER NOT NULL DEFAULT 1 CHECK (attempts > 0),
    rows        INTEGER CHECK (rows >= 0),
    bytes       INTEGER CHECK (bytes >= 0),
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    CHECK ((status = 'done') = (finished_at IS NOT NULL))
  );
  CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL);
`;

export type StepState = 'running' | 'done';

export interface StepSummary {
  readonly phase: string;
  readonly steps: number;
  readonly done: number;
  readonly rows: number;
  readonly bytes: number;
}

export class Journal {
  private constructor(
    private readonly db: Database.Database,
    /** True when this run continues an unfinished one. */
    readonly resuming: boolean,
    /** The run directory's lock, held while the journal is open. */
    private readonly lock: Database.Database,
    private readonly paths: RunPaths,
  ) {}

  /** A write that fails (a full disk, a lost file) is JOURNAL_FAILED: the run stops, resumable from what was recorded. */
  private write(work: () => void): void {
    try {
      work();
    } catch (error) {
      throw journalError(this.paths, error);
    }
  }

  /**
   * Opens the pair's journal. An unfinished journal is resumed (its plan hash must match); a finished one is
   * kept under a dated name and a new one starts.
   */
  static open(paths: RunPaths, planHash: string): Journal {
    try {
      return Journal.openOrCreate(paths, planHash);
    } catch (error) {
      throw journalError(paths, error);
    }
  }

  private static openOrCreate(paths: RunPaths, planHash: string): Journal {
    mkdirSync(paths.dir, { recursive: true });
    const lock = lockFile(paths.lock);
    try {
      return Journal.openLocked(paths, planHash, lock);
    } catch (error) {
      lock.close();
      throw error;
    }
  }

  private static openLocked(paths: RunPaths, planHash: string, lock: Database.Database): Journal {
    if (existsSync(paths.journal)) {
      const previousDb = new Database(paths.journal);
      const previous = new Journal(previousDb, true, lock, paths);
      let finishedAt: string | undefined;
      try {
        finishedAt = previous.value<string>('finished_at');
      } catch (error) {
        previousDb.close();
        throw error;
      }
      if (!finishedAt) {
        if (previous.value<string>('plan_hash') !== planHash) {
          previousDb.close();
          throw new PgferryError('RESUME_PLAN_CHANGED', `the unfinished run in ${paths.dir} was started with different settings`, {
            hint: 'Run again with the settings it started with, or delete that run directory (and empty the target) to start over.',
          });
        }
        previousDb.pragma('journal_mode = WAL');
        return previous;
      }
      previousDb.close();
      renameSync(paths.journal, finishedJournalPath(paths, finishedAt));
      // The finished run's backup is kept beside its journal: a new run never overwrites a backup.
      if (existsSync(paths.backup)) renameSync(paths.backup, finishedBackupPath(paths, finishedAt));
    }
    const db = new Database(paths.journal);
    try {
      db.pragma('journal_mode = WAL');
      db.exec(schema);
      const journal = new Journal(db, false, lock, paths);
      journal.setValue('plan_hash', planHash);
      journal.setValue('started_at', new Date().toISOString());
      return journal;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  value<T>(key: string): T | undefined {
    const row = this.db.prepare('SELECT value FROM run WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setValue(key: string, value: unknown): void {
    this.write(() => {
      this.db.prepare('INSERT INTO run (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
    });
  }

  stepState(id: string): StepState | undefined {
    return (this.db.prepare('SELECT status FROM steps WHERE id = ?').get(id) as { status: StepState } | undefined)?.status;
  }

  isDone(id: string): boolean {
    return this.stepState(id) === 'done';
  }

  /** Marks a step started; returns true when an earlier attempt had started it too (its work may be partly there). */
  startStep(id: string, phase: string): boolean {
    const earlier = this.stepState(id) === 'running';
    this.write(() => {
      this.db
        .prepare(
          `INSERT INTO steps (id, phase, status, started_at) VALUES (?, ?, 'running', ?)
           ON CONFLICT (id) DO UPDATE SET status = 'running', attempts = attempts + 1, started_at = excluded.started_at, finished_at = NULL`,
        )
        .run(id, phase, new Date().toISOString());
    });
    return earlier;
  }

  finishStep(id: string, totals: { rows?: number; bytes?: number } = {}): void {
    this.write(() => {
      this.db
        .prepare("UPDATE steps SET status = 'done', rows = ?, bytes = ?, finished_at = ? WHERE id = ?")
        .run(totals.rows ?? null, totals.bytes ?? null, new Date().toISOString(), id);
    });
  }

  /** Rows a finished step recorded (copies), or undefined. */
  doneRows(id: string): number | undefined {
    const row = this.db.prepare("SELECT rows FROM steps WHERE id = ? AND status = 'done'").get(id) as { rows: number | null } | undefined;
    return row?.rows ?? undefined;
  }

  /** Marks a finished step as started again: its work turned out to be missing on the target and must be redone. */
  reopenStep(id: string): void {
    this.write(() => {
      this.db.prepare("UPDATE steps SET status = 'running', finished_at = NULL WHERE id = ? AND status = 'done'").run(id);
    });
  }

  record(type: string, data: unknown): void {
    this.write(() => {
      this.db.prepare('INSERT INTO events (at, type, data) VALUES (?, ?, ?)').run(new Date().toISOString(), type, JSON.stringify(data));
    });
  }

  /** True when the pair's journal belongs to a run that has not finished. */
  static isUnfinished(paths: RunPaths): boolean {
    let db: Database.Database | undefined;
    try {
      db = new Database(paths.journal, { readonly: true });
      return !db.prepare("SELECT 1 FROM run WHERE key = 'finished_at'").get();
    } catch (error) {
      throw journalError(paths, error);
    } finally {
      db?.close();
    }
  }

  /** When the journal's run finished, or undefined while it is unfinished. */
  static finishedAt(paths: RunPaths): string | undefined {
    let db: Database.Database | undefined;
    try {
      db = new Database(paths.journal, { readonly: true });
      const row = db.prepare("SELECT value FROM run WHERE key = 'finished_at'").get() as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as string) : undefined;
    } catch (error) {
      throw journalError(paths, error);
    } finally {
      db?.close();
    }
  }

  /** Rows and bytes copied per table, over all its chunks and attempts that finished. */
  copiedTables(): Array<{ table: string; rows: number; bytes: number }> {
    return this.db
      .prepare(
        `SELECT CASE WHEN instr(id, '#') > 0 THEN substr(id, 6, instr(id, '#') - 6) ELSE substr(id, 6) END AS "table",
                sum(rows) AS rows, sum(bytes) AS bytes
           FROM steps WHERE phase = 'copy' AND status = 'done' GROUP BY 1 ORDER BY 1`,
      )
      .all() as Array<{ table: string; rows: number; bytes: number }>;
  }

  /** Steps by phase: how many, how many done, rows and bytes. */
  summary(): StepSummary[] {
    return this.db
      .prepare(
        `SELECT phase, count(*) AS steps, sum(status = 'done') AS done, coalesce(sum(rows), 0) AS rows, coalesce(sum(bytes), 0) AS bytes
           FROM steps GROUP BY phase ORDER BY min(started_at)`,
      )
      .all() as StepSummary[];
  }

  finish(): void {
    this.setValue('finished_at', new Date().toISOString());
  }

  close(): void {
    this.db.close();
    this.lock.close();
  }
}

/**
 * Takes SQLite's exclusive lock on the run directory's lock file, kept until close: a second run of the same pair
 * in the same run directory gets SQLITE_BUSY instead of writing into this run's steps. The operating system drops
 * the lock when the process dies, so a killed run never leaves a stale lock; the journal itself stays readable.
 */
function lockFile(path: string): Database.Database {
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function journalError(paths: RunPaths, error: unknown): PgferryError {
  if (error instanceof PgferryError) return error;
  if ((error as { code?: string }).code === 'SQLITE_BUSY') {
    return new PgferryError('RUN_IN_PROGRESS', `another pgferry migrate is using the run journal ${paths.journal}`, {
      hint: 'Wait for that run to finish (a run that died releases the journal on its own); two runs of one source and target cannot share a run directory.',
      cause: error,
    });
  }
  return new PgferryError('JOURNAL_FAILED', `cannot open or write the run journal ${paths.journal}: ${(error as Error).message}`, {
    hint: 'Check that the run directory is a writable directory on a local disk with free space (then run again to resume), or choose another with --run-dir.',
    cause: error,
  });
}
