/** The public preflight command: resolve the plan, open both ends, inventory, assess, close. Never throws. */
import { asPgferryError, type PgferryError } from '../errors/pgferry-error.js';
import { runPreflight, type PreflightFacts } from '../phases/preflight.js';
import { resolvePlan, type PlanSources } from '../plan/resolve-plan.js';
import type { EventListener } from '../run/events.js';
import { openRunEndpoints, type RunEndpoints } from '../run/open-run-endpoints.js';

export interface PreflightOptions extends PlanSources {
  readonly onEvent?: EventListener;
}

export type PreflightResult =
  | ({ readonly status: 'ready' | 'blocked'; readonly ms: number } & PreflightFacts)
  | { readonly status: 'failed'; readonly ms: number; readonly error: PgferryError };

/**
 * Checks, before anything is touched, whether a source can move to a target.
 *
 * @example
 * const result = await preflight({ overrides: { source: 'postgres://app@old/app', target: 'postgres://app@new/app' } });
 * if (result.status === 'blocked') console.log(result.blockers);
 */
export async function preflight(options: PreflightOptions): Promise<PreflightResult> {
  const started = Date.now();
  let endpoints: RunEndpoints | undefined;
  try {
    const plan = await resolvePlan(options);
    endpoints = openRunEndpoints(plan, options.env);
    const facts = await runPreflight(plan, endpoints, options.onEvent);
    return Object.freeze({ status: facts.blockers.length > 0 ? 'blocked' : 'ready', ms: Date.now() - started, ...facts });
  } catch (error) {
    return Object.freeze({ status: 'failed', ms: Date.now() - started, error: asPgferryError(error) });
  } finally {
    await endpoints?.close();
  }
}
