/**
 * The run log: one JSON record per line, appended synchronously as the run goes, so a run killed with SIGKILL
 * loses nothing it had already recorded. Reports are rendered from it (src/report/run-report.ts).
 */
import { appendFileSync, existsSync, renameSync } from 'node:fs';
import type { PgferryEvent } from '../model/events.js';
import type { RunRecord } from '../model/run-record.js';
import { readNdjson } from './ndjson-file.js';
import { recordPathsIn, type RecordPaths } from './run-paths.js';

/** Progress events come many times a second and say nothing the step records do not: they stay out of the log. */
export function isLogged(event: PgferryEvent): boolean {
  return event.type !== 'copy:progress' && event.type !== 'count:progress';
}

export class RunLog {
  private broken = false;

  /** `onFailure` hears of the first write that fails (a full disk); the run goes on without its log. */
  constructor(
    readonly path: string,
    private readonly onFailure: (error: Error) => void,
  ) {}

  append(record: RunRecord): void {
    if (this.broken) return;
    try {
      appendFileSync(this.path, `${JSON.stringify(record)}\n`);
    } catch (error) {
      this.broken = true;
      this.onFailure(error as Error);
    }
  }
}

/** The records of a log; a last line cut short by a kill is left out. */
export function readRunLog(path: string): RunRecord[] {
  return readNdjson<RunRecord>(path);
}

/** When the log in `paths.dir` begins: the dated name an earlier command run's log and reports are kept under. */
export function logStartedAt(paths: RecordPaths): string | undefined {
  if (!existsSync(paths.log)) return undefined;
  return readRunLog(paths.log)[0]?.at;
}

/**
 * Keeps the log and reports already in the directory under dated names (events-<at>.ndjson, report-<at>.md…), so the
 * run starting now begins a log of its own. Nothing happens when that dated log exists already: the current log
 * then belongs to attempts made after it was kept (a run blocked before it could start a new journal).
 */
export function keepEarlierLog(paths: RecordPaths, keptAt: string): void {
  const kept = recordPathsIn(paths.dir, keptAt);
  if (!existsSync(paths.log) || existsSync(kept.log)) return;
  renameSync(paths.log, kept.log);
  for (const format of ['markdown', 'html', 'json'] as const) {
    if (existsSync(paths.reports[format])) renameSync(paths.reports[format], kept.reports[format]);
  }
}
