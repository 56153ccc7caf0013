/** The public preflight command: resolve the plan, open both ends, inventory, assess, close. Never throws. */
import { runPreflight, type PreflightFacts } from '../phases/preflight.js';
import type { PlanSources } from '../plan/resolve-plan.js';
import type { EventListener } from '../model/events.js';
import { withEndpoints, type Failed } from './with-endpoints.js';

export interface PreflightOptions extends PlanSources {
  readonly onEvent?: EventListener;
}

export type PreflightResult =
  | ({ readonly status: 'ready' | 'blocked'; readonly ms: number } & PreflightFacts)
  | Failed;

/**
 * Checks, before anything is touched, whether a source can move to a target.
 *
 * @example
 * const result = await preflight({ overrides: { source: 'postgres://app@old/app', target: 'postgres://app@new/app' } });
 * if (result.status === 'blocked') console.log(result.blockers);
 */
export async function preflight(options: PreflightOptions): Promise<PreflightResult> {
  return withEndpoints(options, async (plan, endpoints) => {
    const { facts } = await runPreflight(plan, endpoints, options.onEvent);
    return { status: facts.blockers.length > 0 ? ('blocked' as const) : ('ready' as const), ...facts };
  });
}
