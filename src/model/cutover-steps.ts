/**
 * Pure: the steps a cutover runs, in order, and the steps of its rollback, as the plan's `cutover` section says them
 * (docs/CUTOVER.md): what `pgferry cutover --dry-run` prints and what a cutover will carry out.
 */
import type { Plan } from '../plan/plan-schema.js';

export type CutoverStepName = 'fence' | 'final' | 'switch' | 'start' | 'health';

export interface CutoverStep {
  readonly name: CutoverStepName;
  /** What the step does, in words. */
  readonly does: string;
  /** The hook's shell command, when the step is one. */
  readonly run?: string;
  /** The health check's URL, when it is one. */
  readonly url?: string;
  readonly timeoutSeconds?: number;
  /** The variables the hook is given, with their values (URLs as given: mask before showing). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface CutoverSteps {
  readonly steps: readonly CutoverStep[];
  /** What runs when a step after the fence fails: the application back on the source. */
  readonly rollback: readonly CutoverStep[];
}

/** The variables every hook gets: the run's ends, the step, and where the switch points the application. */
function hookEnv(plan: Pick<Plan, 'source' | 'target'>, phase: string, switchTo: string): Record<string, string> {
  return { PGFERRY_SOURCE_URL: plan.source, PGFERRY_TARGET_URL: plan.target, PGFERRY_PHASE: phase, PGFERRY_SWITCH_TO: switchTo };
}

export function cutoverSteps(plan: Pick<Plan, 'source' | 'target'>, cutover: NonNullable<Plan['cutover']>): CutoverSteps {
  const hook = (name: CutoverStepName, phase: string, does: string, step: { run: string; timeout: number }, switchTo = plan.target): CutoverStep => ({
    name,
    does,
    run: step.run,
    timeoutSeconds: step.timeout,
    env: hookEnv(plan, phase, switchTo),
  });
  const fence: CutoverStep =
    'readOnlySource' in cutover.fence
      ? { name: 'fence', does: 'make the source database read-only (default_transaction_read_only) and end the sessions writing to it', timeoutSeconds: cutover.fence.timeout }
      : hook('fence', 'fence', 'stop writes to the source (hook)', cutover.fence);
  const health = (phase: string): CutoverStep =>
    'url' in cutover.health
      ? { name: 'health', does: `wait for ${cutover.health.url} to answer 2xx`, url: cutover.health.url, timeoutSeconds: cutover.health.timeout }
      : hook('health', phase, 'wait for the health command to exit 0 (hook)', cutover.health);
  const steps: CutoverStep[] = [
    fence,
    { name: 'final', does: 'migrate what is left and verify everything (resumable), the source fenced' },
    hook('switch', 'switch', 'point the application at the target (hook; PGFERRY_SWITCH_TO is the target)', cutover.switch),
    ...(cutover.start ? [hook('start', 'start', 'start the application (hook)', cutover.start)] : []),
    health('health'),
  ];
  const rollback: CutoverStep[] = [
    hook('switch', 'rollback', 'point the application back at the source (the switch hook; PGFERRY_SWITCH_TO is the source)', cutover.switch, plan.source),
    ...('readOnlySource' in cutover.fence ? [{ name: 'fence' as const, does: 'make the source writable again' }] : []),
    ...(cutover.start ? [hook('start', 'rollback', 'start the application (hook)', cutover.start, plan.source)] : []),
    health('rollback'),
  ];
  return { steps, rollback };
}
