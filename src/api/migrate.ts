/** The public migrate command: preflight, schema, data, indexes, constraints, sequences — journaled and resumable. Never throws. */
import type { PlanSources } from '../plan/resolve-plan.js';
import type { EventListener } from '../model/events.js';
import { runMigration, type MigrationFacts } from '../pipeline/pipeline.js';
import { withEndpoints, type Failed } from './with-endpoints.js';

export interface MigrateOptions extends PlanSources {
  /** Only continue an unfinished run of this source and target (NOTHING_TO_RESUME otherwise). */
  readonly resume?: boolean;
  readonly onEvent?: EventListener;
}

export type MigrateResult =
  | (MigrationFacts & { readonly ms: number })
  | Failed;

/**
 * Moves the source database into the target. Running it again after an interruption resumes the same run.
 *
 * @example
 * const result = await migrate({ overrides: { source: 'postgres://app@old/app', target: 'postgres://app@new/app', jobs: 4 } });
 * if (result.status === 'migrated') console.log(result.tables);
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  return withEndpoints(options, (plan, endpoints) => runMigration(plan, endpoints, { resumeOnly: options.resume, onEvent: options.onEvent }));
}
