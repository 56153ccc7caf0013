/** The public migrate command: preflight, schema, data, indexes, constraints, sequences — journaled and resumable. Never throws. */
import { existsSync } from 'node:fs';
import type { PlanSources } from '../plan/resolve-plan.js';
import type { EventListener } from '../model/events.js';
import { runMigration, type MigrationFacts } from '../pipeline/pipeline.js';
import { Journal } from '../run/journal.js';
import { runPathsFor } from '../run/run-paths.js';
import { runFacts } from './run-facts.js';
import { withEndpoints, type Failed } from './with-endpoints.js';
import { withRunRecord, type Recorded } from './with-run-record.js';

export interface MigrateOptions extends PlanSources {
  /** Only continue an unfinished run of this source and target (NOTHING_TO_RESUME otherwise). */
  readonly resume?: boolean;
  readonly onEvent?: EventListener;
}

export type MigrateResult = (
  | (MigrationFacts & { readonly ms: number })
  | Failed
) & Recorded;

/**
 * Moves the source database into the target. Running it again after an interruption resumes the same run. Every run
 * writes report.md, report.html and report.json in its run directory (`result.reports`), also when it fails.
 *
 * @example
 * const result = await migrate({ overrides: { source: 'postgres://app@old/app', target: 'postgres://app@new/app', jobs: 4 } });
 * if (result.status === 'migrated') console.log(result.tables, result.reports?.html);
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  return withRunRecord(
    'migrate',
    options.onEvent,
    (recorder) =>
      withEndpoints(
        options,
        (plan, endpoints) => runMigration(plan, endpoints, { resumeOnly: options.resume, onEvent: recorder.onEvent }),
        (plan, endpoints) => {
          const paths = runPathsFor(plan.runDir, endpoints.source.identity, endpoints.target.identity);
          // A finished run's journal is kept under its finish time when this run opens a new one: its log and reports too.
          const finishedAt = existsSync(paths.journal) ? Journal.finishedAt(paths) : undefined;
          const keep = finishedAt !== undefined ? { keepEarlierAs: finishedAt } : {};
          recorder.begin({ paths, plan, source: endpoints.source.display, target: endpoints.target.display, ...keep });
        },
      ),
    (result) =>
      result.status === 'failed'
        ? {}
        : result.status === 'blocked'
          ? runFacts({ preflight: result.preflight })
          : runFacts({ preflight: result.preflight, backup: result.backup, tables: result.tables, verification: result.verification, warnings: result.warnings, resumed: result.resumed }),
  );
}
