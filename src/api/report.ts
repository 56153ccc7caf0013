/** The public report command: renders a run directory's reports again from its run log, also for a run that was killed. Never throws. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asPgferryError, PgferryError } from '../errors/pgferry-error.js';
import { writeRunReports } from '../report/write-run-reports.js';
import { RunLog } from '../run/run-log.js';
import { recordPathsIn, type ReportPaths } from '../run/run-paths.js';
import type { Failed } from './with-endpoints.js';

export interface RenderedReport {
  readonly dir: string;
  readonly command: string;
  readonly status: string;
  readonly finished: boolean;
  readonly reports: ReportPaths;
}

export type ReportResult = { readonly status: 'rendered'; readonly ms: number; readonly runs: readonly RenderedReport[] } | Failed;

/**
 * Renders report.md, report.html and report.json from the run log in `dir` (a command's run directory such as
 * `pgferry-runs/migrate-…`), or in each of its subdirectories that holds one (the `--run-dir` itself).
 *
 * @example
 * const result = renderReport('pgferry-runs/migrate-3f2a9c01b7de');
 * if (result.status === 'rendered') console.log(result.runs[0].status); // "did not finish" for a killed run
 */
export function renderReport(dir: string): ReportResult {
  const started = Date.now();
  try {
    const dirs = existsSync(recordPathsIn(dir).log) ? [dir] : subdirectoriesWithLog(dir);
    if (dirs.length === 0) {
      throw new PgferryError('RUN_LOG_NOT_FOUND', `${dir} holds no run log (events.ndjson), nor does any directory in it`, {
        hint: 'Give the run directory of one command, e.g. pgferry-runs/migrate-<pair>, or the --run-dir the run used.',
      });
    }
    const runs = dirs.flatMap((d) => {
      const paths = recordPathsIn(d);
      const report = writeRunReports(paths);
      return report ? [{ dir: d, command: report.command, status: report.status, finished: report.finished, reports: paths.reports }] : [];
    });
    return Object.freeze({ status: 'rendered', ms: Date.now() - started, runs });
  } catch (error) {
    return Object.freeze({ status: 'failed', ms: Date.now() - started, error: asPgferryError(error) });
  }
}

function subdirectoriesWithLog(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((d) => statSync(d).isDirectory() && existsSync(recordPathsIn(d).log))
    .sort();
}

/**
 * Records that the process is stopping on a signal, and renders the reports: for the CLI's SIGINT/SIGTERM handler,
 * which then exits. Synchronous, and silent when it cannot write.
 */
export function recordSignal(run: { readonly dir: string; readonly attempt: string }, signal: string): void {
  const paths = recordPathsIn(run.dir);
  new RunLog(paths.log, () => undefined).append({ type: 'run:signal', at: new Date().toISOString(), attempt: run.attempt, signal });
  try {
    writeRunReports(paths);
  } catch {
    // Best effort: the process is exiting; `pgferry report` renders it later.
  }
}
