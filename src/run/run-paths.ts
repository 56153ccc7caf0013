/** Every path inside a run directory, declared in one place. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** The three renderings of a run's report. */
export interface ReportPaths {
  readonly markdown: string;
  readonly html: string;
  readonly json: string;
}

/** What every command's run directory holds: the run log and the reports rendered from it. */
export interface RecordPaths {
  readonly dir: string;
  /** The run log: one JSON record per line, appended as the run goes (events.ndjson). */
  readonly log: string;
  readonly reports: ReportPaths;
}

export interface RunPaths extends RecordPaths {
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

function pairOf(sourceIdentity: string, targetIdentity: string): string {
  return createHash('sha256').update(`${sourceIdentity}\n${targetIdentity}`).digest('hex').slice(0, 12);
}

/** The run log and reports of the run directory `dir`, under a date suffix when `keptAt` is given. */
export function recordPathsIn(dir: string, keptAt?: string): RecordPaths {
  const suffix = keptAt === undefined ? '' : `-${keptAt.replace(/[:.]/g, '-')}`;
  const reports = { markdown: join(dir, `report${suffix}.md`), html: join(dir, `report${suffix}.html`), json: join(dir, `report${suffix}.json`) };
  return { dir, log: join(dir, `events${suffix}.ndjson`), reports };
}

/**
 * The run directory of a command over one source/target pair (`verify-<pair>`, `backup-<pair>`…): running the same
 * command again finds it, and keeps the earlier run's log and reports under their dated names.
 */
export function commandPathsFor(runDir: string, command: string, sourceIdentity: string, targetIdentity: string): RecordPaths {
  return recordPathsIn(join(runDir, `${command}-${pairOf(sourceIdentity, targetIdentity)}`));
}

export function runPathsFor(runDir: string, sourceIdentity: string, targetIdentity: string): RunPaths {
  const dir = join(runDir, `migrate-${pairOf(sourceIdentity, targetIdentity)}`);
  return { ...recordPathsIn(dir), journal: join(dir, 'journal.sqlite'), lock: join(dir, 'run.lock'), rejects: join(dir, 'rejects'), backup: join(dir, 'backup') };
}

/** Where a finished run's journal is kept when a new run of the same pair starts. */
export function finishedJournalPath(paths: RunPaths, finishedAt: string): string {
  return join(paths.dir, `journal-${finishedAt.replace(/[:.]/g, '-')}.sqlite`);
}

/** Where a finished run's backup is kept when a new run of the same pair starts. */
export function finishedBackupPath(paths: RunPaths, finishedAt: string): string {
  return join(paths.dir, `backup-${finishedAt.replace(/[:.]/g, '-')}`);
}
