/** The public cutover command. This version plans it: the steps and the rollback the plan's `cutover` section makes. Never throws. */
import { asPgferryError, PgferryError } from '../errors/pgferry-error.js';
import { cutoverSteps, type CutoverSteps } from '../model/cutover-steps.js';
import { planExamples } from '../plan/plan-schema.js';
import { resolvePlan, type PlanSources } from '../plan/resolve-plan.js';
import type { Failed } from './with-endpoints.js';

export type CutoverPlanResult = ({ readonly status: 'planned'; readonly ms: number; readonly source: string; readonly target: string } & CutoverSteps) | Failed;

/**
 * The cutover's steps in order (fence, final, switch, start, health) and its rollback, from the plan; runs nothing.
 *
 * @example
 * const result = await planCutover({ planFile: 'pgferry.yaml' });
 * if (result.status === 'planned') for (const step of result.steps) console.log(step.name, step.run ?? step.does);
 */
export async function planCutover(sources: PlanSources): Promise<CutoverPlanResult> {
  const started = Date.now();
  try {
    const plan = await resolvePlan(sources);
    if (!plan.cutover) {
      throw new PgferryError('PLAN_INVALID', 'the plan has no cutover section', { hint: `Add one, e.g.\n    ${planExamples.cutover}` });
    }
    return { status: 'planned', ms: Date.now() - started, source: plan.source, target: plan.target, ...cutoverSteps(plan, plan.cutover) };
  } catch (error) {
    return { status: 'failed', ms: Date.now() - started, error: asPgferryError(error) };
  }
}
