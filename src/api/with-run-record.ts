/**
 * What every recorded command shares: its events teed to the caller and to the run log as they happen, a run:start
 * and a run:end record, and the three reports rendered at the end whatever the outcome. A command calls `begin` as
 * soon as it knows its run directory; until then (a plan that does not resolve) nothing is recorded.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { maskSecrets } from '../errors/redact.js';
import { asPgferryError, type PgferryError } from '../errors/pgferry-error.js';
import { emitter, type EventListener, type PgferryEvent } from '../model/events.js';
import type { RunFacts } from '../model/run-record.js';
import { writeRunReports } from '../report/write-run-reports.js';
import { pgferryVersion } from '../run/pgferry-version.js';
import { isLogged, keepEarlierLog, RunLog } from '../run/run-log.js';
import type { RecordPaths, ReportPaths } from '../run/run-paths.js';

export interface RunRecordStart {
  readonly paths: RecordPaths;
  /** The settings of the run; secrets are masked before it is written. */
  readonly plan: unknown;
  readonly source: string | null;
  readonly target: string | null;
  /** Keep the log and reports already in the directory under this dated name first: they belong to a finished run. */
  readonly keepEarlierAs?: string;
}

export interface RunRecorder {
  /** The caller's listener, with every event also written to the log once `begin` was called. */
  readonly onEvent: EventListener;
  begin(start: RunRecordStart): void;
}

/** Where a result's run was recorded; absent when the command stopped before it knew its run directory. */
export interface Recorded {
  readonly runDir?: string;
  readonly reports?: ReportPaths;
}

type Outcome = { readonly status: string; readonly ms: number; readonly error?: PgferryError };

/**
 * Runs `run` with a recorder; `factsOf` picks from its result what the report shows beyond the events.
 *
 * @example
 * return withRunRecord('backup', options.onEvent, (recorder) => withEndpoints(options, work, (plan, endpoints) =>
 *   recorder.begin({ paths: commandPathsFor(plan.runDir, 'backup', …), plan, source: …, target: null })), backupFacts);
 */
export async function withRunRecord<R extends Outcome>(
  command: string,
  onEvent: EventListener | undefined,
  run: (recorder: RunRecorder) => Promise<R>,
  factsOf: (result: R) => RunFacts,
): Promise<Readonly<R & Recorded>> {
  const attempt = randomUUID().slice(0, 8);
  const toCaller = emitter(onEvent);
  let log: RunLog | undefined;
  let paths: RecordPaths | undefined;
  const stamp = <E extends object>(record: E) => ({ ...record, at: new Date().toISOString(), attempt });
  const recorder: RunRecorder = {
    onEvent: (event: PgferryEvent) => {
      if (log && isLogged(event)) log.append({ ...stamp(event), ...('at' in event ? { at: event.at } : {}) });
      toCaller(event);
    },
    begin: (start) => {
      try {
        mkdirSync(start.paths.dir, { recursive: true });
      } catch {
        // A run directory that cannot be made (a path through a file, no permission) is the command's own error to
        // report (JOURNAL_FAILED, BACKUP_FAILED); the run goes on unrecorded until it meets it.
        return;
      }
      paths = start.paths;
      if (start.keepEarlierAs !== undefined) keepEarlierLog(paths, start.keepEarlierAs);
      log = new RunLog(paths.log, (error) => toCaller({ type: 'warning', code: 'RUN_LOG_FAILED', message: `the run log ${paths!.log} cannot be written (${error.message}); the run goes on without it` }));
      log.append(stamp({ type: 'run:start' as const, command, version: pgferryVersion, source: start.source, target: start.target, plan: maskSecrets(start.plan) }));
      toCaller({ type: 'run:record', dir: paths.dir, attempt });
    },
  };
  let result: R | undefined;
  let thrown: PgferryError | undefined;
  try {
    result = await run(recorder);
  } catch (error) {
    thrown = asPgferryError(error);
    throw error;
  } finally {
    if (log && paths) {
      const error = result?.error ?? thrown;
      const end = { type: 'run:end' as const, status: result?.status ?? 'failed', ms: result?.ms ?? 0, facts: result ? safeFacts(factsOf, result) : {} };
      log.append(stamp(error ? { ...end, error: { code: error.code, message: error.message, hint: error.hint } } : end));
      renderReports(paths, toCaller);
    }
  }
  return Object.freeze({ ...result!, ...(paths ? { runDir: paths.dir, reports: paths.reports } : {}) });
}

/** A report that cannot be written is a warning: the run itself is done. */
function renderReports(paths: RecordPaths, toCaller: EventListener): void {
  try {
    writeRunReports(paths);
  } catch (error) {
    toCaller({ type: 'warning', code: 'REPORT_FAILED', message: `the report in ${paths.dir} cannot be written: ${(error as Error).message}` });
  }
}

function safeFacts<R>(factsOf: (result: R) => RunFacts, result: R): RunFacts {
  try {
    return factsOf(result);
  } catch {
    return {};
  }
}
