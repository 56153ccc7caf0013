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
  for (const step of steps) {
    for (const need of step.needs) {
      const list = dependents.get(need);
      if (list) list.push(step);
      else dependents.set(need, [step]);
    }
  }
  const memo = new Map<string, number>();
  const chain = (step: GraphStep<W>): number => {
    const known = memo.get(step.id);
    if (known !== undefined) return known;
    let longest = 0;
    for (const next of dependents.get(step.id) ?? []) longest = Math.max(longest, chain(next));
    const value = step.cost + longest;
    memo.set(step.id, value);
    return value;
  };
  steps.forEach(chain);
  return memo;
}

export async function runGraph<Worker>(steps: readonly GraphStep<Worker>[], options: ScheduleOptions<Worker>): Promise<void> {
  const done = new Set(steps.filter((s) => options.isDone?.(s.id)).map((s) => s.id));
  const pending = steps.filter((s) => !done.has(s.id));
  const priority = chainCosts(pending);
  let failure: unknown;
  let wake: () => void = () => undefined;
  let running = 0;
  // Counted once, so a step becomes ready in time proportional to its dependents, not to the whole graph.
  // Equal chains keep the steps' given order.
  const position = new Map(pending.map((s, i) => [s.id, i]));
  const ready = new ReadyQueue<GraphStep<Worker>>((a, b) => priority.get(a.id)! - priority.get(b.id)! || position.get(b.id)! - position.get(a.id)!);
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, GraphStep<Worker>[]>();
  const pendingIds = new Set(pending.map((s) => s.id));
  for (const step of pending) {
    const unmet = new Set(step.needs.filter((n) => pendingIds.has(n)));
    for (const need of unmet) {
      const list = dependents.get(need);
      if (list) list.push(step);
      else dependents.set(need, [step]);
    }
    waitingOn.set(step.id, unmet.size);
    if (unmet.size === 0) ready.push(step);
  }
  let left = pending.length;
  const takeNext = (): GraphStep<Worker> | undefined => {
    const step = ready.pop();
    if (step) left -= 1;
    return step;
  };
  const finished = (step: GraphStep<Worker>) => {
    done.add(step.id);
    for (const next of dependents.get(step.id) ?? []) {
      const unmet = waitingOn.get(next.id)! - 1;
      waitingOn.set(next.id, unmet);
      if (unmet === 0) ready.push(next);
    }
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
          if (left === 0 || running === 0) return;
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
          finished(step);
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
  if (left > 0) throw new Error(`steps never became ready: ${pending.filter((s) => !done.has(s.id)).map((s) => s.id).join(', ')}`);
}

/** A binary heap: the ready step heading the longest chain first. `compare(a, b) > 0` puts a before b. */
class ReadyQueue<T> {
  private readonly items: T[] = [];
  constructor(private readonly compare: (a: T, b: T) => number) {}

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[parent]!, items[i]!) >= 0) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let largest = i;
      if (l < items.length && this.compare(items[l]!, items[largest]!) > 0) largest = l;
      if (r < items.length && this.compare(items[r]!, items[largest]!) > 0) largest = r;
      if (largest === i) break;
      [items[largest], items[i]] = [items[i]!, items[largest]!];
      i = largest;
    }
    return top;
  }
}
