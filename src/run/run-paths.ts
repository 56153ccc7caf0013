/** Every path inside a run directory, declared in one place. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export interface RunPaths {
  /** One folder per source/target pair, so re-running the same plan finds its journal. */
  readonly dir: string;
  readonly journal: string;
  /** Held exclusively by the run using this directory (an SQLite file locked by the operating system). */
  readonly lock: string;
  /** Rows the target refused, one NDJSON file per copy step, when the plan says `rejects: file`. */
  readonly rejects: string;
  /** The backup migrate takes of the source before it writes anything (backup/manifest.json lists its files). */
  readonly backup: string;
}

/** The reject file of one copy step ("copy:public.orders#3" → rejects/public.orders#3.ndjson). */
export function rejectFilePath(paths: RunPaths, stepId: string): string {
  return join(paths.rejects, `${stepId.replace(/^copy:/, '').replace(/[/\\]/g, '_')}.ndjson`);
}

export function runPathsFor(runDir: string, sourceIdentity: string, targetIdentity: string): RunPaths {
  const pair = createHash('sha256').update(`${sourceIdentity}\n${targetIdentity}`).digest('hex').slice(0, 12);
  const dir = join(runDir, `migrate-${pair}`);
  return { dir, journal: join(dir, 'journal.sqlite'), lock: join(dir, 'run.lock'), rejects: join(dir, 'rejects'), backup: join(dir, 'backup') };
}

/** Where a finished run's journal is kept when a new run of the same pair starts. */
export function finishedJournalPath(paths: RunPaths, finishedAt: string): string {
  return join(paths.dir, `journal-${finishedAt.replace(/[:.]/g, '-')}.sqlite`);
}

/** Where a finished run's backup is kept when a new run of the same pair starts. */
export function finishedBackupPath(paths: RunPaths, finishedAt: string): string {
  return join(paths.dir, `backup-${finishedAt.replace(/[:.]/g, '-')}`);
}
