/** The public migrate command: preflight, schema, data, indexes, constraints, sequences — journaled and resumable. Never throws. */
import { asPgferryError, type PgferryError } from '../errors/pgferry-error.js';
import { resolvePlan, type PlanSources } from '../plan/resolve-plan.js';
import type { EventListener } from '../run/events.js';
import { openRunEndpoints, type RunEndpoints } from '../run/open-run-endpoints.js';
import { runMigration, type MigrationFacts } from '../run/pipeline.js';

export interface MigrateOptions extends PlanSources {
  /** Only continue an unfinished run of this source and target (NOTHING_TO_RESUME otherwise). */
  readonly resume?: boolean;
  readonly onEvent?: EventListener;
}

export type MigrateResult =
  | (MigrationFacts & { readonly ms: number })
  | { readonly status: 'failed'; readonly ms: number; readonly error: PgferryError; readonly runDir?: string };

/**
 * Moves the source database into the target. Running it again after an interruption resumes the same run.
 *
 * @example
 * const result = await migrate({ overrides: { source: 'postgres://app@old/app', target: 'postgres://app@new/app', jobs: 4 } });
 * if (result.status === 'migrated') console.log(result.tables);
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const started = Date.now();
  let endpoints: RunEndpoints | undefined;
  try {
    const plan = await resolvePlan(options);
    endpoints = openRunEndpoints(plan, options.env);
    const facts = await runMigration(plan, endpoints, { resumeOnly: options.resume, onEvent: options.onEvent });
    return Object.freeze({ ...facts, ms: Date.now() - started });
  } catch (error) {
    return Object.freeze({ status: 'failed', ms: Date.now() - started, error: asPgferryError(error) });
  } finally {
    await endpoints?.close();
  }
}
