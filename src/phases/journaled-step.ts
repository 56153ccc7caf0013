/**
 * The one journaled-step wrapper: a step the journal calls done is skipped; otherwise it is recorded as started,
 * run, and recorded as done with what it moved. `work` hears whether an earlier attempt had started the step (its
 * effect may be partly or wholly there).
 */
import type { EventListener } from '../model/events.js';
import type { Journal } from '../run/journal.js';

export interface StepOutcome {
  readonly rows?: number;
  readonly bytes?: number;
}

export async function runJournaledStep(
  journal: Journal,
  step: { readonly id: string; readonly phase: string },
  work: (redo: boolean) => Promise<StepOutcome | void>,
  emit?: EventListener,
): Promise<'skipped' | 'ran'> {
  if (journal.isDone(step.id)) return 'skipped';
  const redo = journal.startStep(step.id, step.phase);
  const started = Date.now();
  emit?.({ type: 'step:start', phase: step.phase, step: step.id });
  const outcome = (await work(redo)) ?? {};
  journal.finishStep(step.id, outcome);
  emit?.({ type: 'step:done', phase: step.phase, step: step.id, ms: Date.now() - started, ...outcome });
  return 'ran';
}
