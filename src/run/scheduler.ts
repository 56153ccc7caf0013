/**
 * Runs a graph of steps on `jobs` workers: a step starts once the steps it needs are done, and among ready steps
 * the one heading the longest remaining chain goes first (a big table's copy, then its slowest index). On the
 * first failure no new step starts; running ones finish, then the failure is thrown.
 */

export interface GraphStep<Worker> {
  readonly id: string;
  readonly needs: readonly string[];
  /** Relative cost (bytes to copy or index); only the order depends on it. */
  readonly cost: number;
  run(worker: Worker): Promise<void>;
}

export interface ScheduleOptions<Worker> {
  readonly jobs: number;
  readonly openWorker: (index: number) => Promise<Worker>;
  readonly closeWorker?: (worker: Worker) => Promise<void>;
  /** Steps finished in an earlier attempt: treated as done, never run. */
  readonly isDone?: (id: string) => boolean;
  readonly signal?: AbortSignal;
}

/** Longest chain of cost from each step to the end of the graph. */
function chainCosts<W>(steps: readonly GraphStep<W>[]): Map<string, number> {
  const dependents = new Map<string, GraphStep<W>[]>();
  for (const step of steps) for (const need of step.needs) dependents.set(need, [...(dependents.get(need) ?? []), step]);
  const memo = new Map<string, number>();
  const chain = (step: GraphStep<W>): number => {
    const known = memo.get(step.id);
    if (known !== undefined) return known;
    const value = step.cost + Math.max(0, ...(dependents.get(step.id) ?? []).map(chain));
    memo.set(step.id, value);
    return value;
  };
  steps.forEach(chain);
  return memo;
}

export async function runGraph<Worker>(steps: readonly GraphStep<Worker>[], options: ScheduleOptions<Worker>): Promise<void> {
  const known = new Set(steps.map((s) => s.id));
  const done = new Set(steps.filter((s) => options.isDone?.(s.id)).map((s) => s.id));
  const pending = steps.filter((s) => !done.has(s.id));
  const priority = chainCosts(pending);
  let failure: unknown;
  let wake: () => void = () => undefined;
  let running = 0;
  const isReady = (step: GraphStep<Worker>) => step.needs.every((n) => done.has(n) || !known.has(n));
  const takeNext = (): GraphStep<Worker> | undefined => {
    let best = -1;
    for (let i = 0; i < pending.length; i++) {
      if (isReady(pending[i]!) && (best < 0 || priority.get(pending[i]!.id)! > priority.get(pending[best]!.id)!)) best = i;
    }
    return best < 0 ? undefined : pending.splice(best, 1)[0];
  };
  const work = async (index: number) => {
    let worker: Worker;
    try {
      worker = await options.openWorker(index);
    } catch (error) {
      // Recorded like a failed step: the other workers finish what they run (and their journal entries) first.
      failure ??= error;
      return;
    }
    try {
      while (failure === undefined && !options.signal?.aborted) {
        const step = takeNext();
        if (!step) {
          if (pending.length === 0 || running === 0) return;
          await new Promise<void>((resolve) => {
            const previous = wake;
            wake = () => {
              previous();
              resolve();
            };
          });
          continue;
        }
        running += 1;
        try {
          await step.run(worker);
          done.add(step.id);
        } catch (error) {
          failure ??= error;
        } finally {
          running -= 1;
          const release = wake;
          wake = () => undefined;
          release();
        }
      }
    } finally {
      await options.closeWorker?.(worker);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, pending.length)) }, (_, i) => work(i)));
  if (failure !== undefined) throw failure;
  if (options.signal?.aborted) throw options.signal.reason;
  if (pending.length > 0) throw new Error(`steps never became ready: ${pending.map((s) => s.id).join(', ')}`);
}
