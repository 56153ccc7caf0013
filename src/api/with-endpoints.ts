/** What every public command shares: resolve the plan, open both ends, do the work, close, and never throw. */
import { asPgferryError, type PgferryError } from '../errors/pgferry-error.js';
import type { Plan } from '../plan/plan-schema.js';
import { resolvePlan, type PlanSources } from '../plan/resolve-plan.js';
import { openRunEndpoints, refuseSameDatabase, type RunEndpoints } from '../run/open-run-endpoints.js';

export type Failed = { readonly status: 'failed'; readonly ms: number; readonly error: PgferryError };

/** `opened` runs once both ends are known and before either is asked anything (the run record starts there). */
export async function withEndpoints<T extends object>(
  sources: PlanSources,
  work: (plan: Plan, endpoints: RunEndpoints) => Promise<T>,
  opened?: (plan: Plan, endpoints: RunEndpoints) => void,
): Promise<Readonly<T & { ms: number }> | Failed> {
  const started = Date.now();
  let endpoints: RunEndpoints | undefined;
  try {
    const plan = await resolvePlan(sources);
    endpoints = openRunEndpoints(plan, sources.env);
    opened?.(plan, endpoints);
    await refuseSameDatabase(endpoints);
    const value = await work(plan, endpoints);
    return Object.freeze({ ...value, ms: Date.now() - started });
  } catch (error) {
    return Object.freeze({ status: 'failed', ms: Date.now() - started, error: asPgferryError(error) });
  } finally {
    await endpoints?.close();
  }
}
