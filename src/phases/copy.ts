/**
 * Copy: every leaf table's rows, source → target, from one exported snapshot, on `jobs` parallel pairs of
 * sessions, largest tables first so the longest copy starts at once. Partitioned parents hold no rows of
 * their own: their partitions are copied as tables.
 */
import { exportSnapshot, joinSnapshot } from '../endpoints/postgres/snapshot.js';
import { readCopyColumns } from '../endpoints/postgres/queries/copy-columns.js';
import type { Session } from '../endpoints/postgres/run-query.js';
import { copyTable, type TableCopyResult } from '../endpoints/postgres/table-copy.js';
import type { TableFacts } from '../model/inventory.js';
import { emitter, type EventListener } from '../run/events.js';

export interface CopyStep {
  /** Stable id recorded in the journal, e.g. "copy:public.orders". */
  readonly id: string;
  readonly schema: string;
  readonly name: string;
  readonly bytes: number;
}

/** Pure: one step per table that holds rows, biggest first. */
export function planCopySteps(tables: readonly TableFacts[]): CopyStep[] {
  return tables
    .filter((t) => t.kind !== 'partitioned')
    .map((t) => ({ id: `copy:${t.schema}.${t.name}`, schema: t.schema, name: t.name, bytes: t.totalBytes }))
    .sort((a, b) => b.bytes - a.bytes || a.id.localeCompare(b.id));
}

export interface CopyRunOptions {
  readonly jobs: number;
  readonly binary: boolean;
  readonly openSource: () => Promise<Session>;
  readonly openTarget: () => Promise<Session>;
  /** Steps already finished in an earlier attempt (from the journal) are skipped. */
  readonly isDone?: (stepId: string) => boolean;
  readonly onStepDone?: (step: CopyStep, result: TableCopyResult) => void | Promise<void>;
  readonly onEvent?: EventListener;
  readonly signal?: AbortSignal;
}

export interface CopyOutcome {
  readonly snapshot: string;
  readonly copied: ReadonlyArray<{ readonly step: CopyStep; readonly result: TableCopyResult }>;
  readonly skipped: readonly CopyStep[];
}

export async function runCopy(steps: readonly CopyStep[], options: CopyRunOptions): Promise<CopyOutcome> {
  const emit = emitter(options.onEvent);
  const skipped = steps.filter((s) => options.isDone?.(s.id));
  const queue = steps.filter((s) => !options.isDone?.(s.id));
  const leader = await options.openSource();
  const snapshot = await exportSnapshot(leader);
  const copied: Array<{ step: CopyStep; result: TableCopyResult }> = [];
  const worker = async () => {
    const source = await options.openSource();
    const target = await options.openTarget();
    await joinSnapshot(source, snapshot);
    for (let step = queue.shift(); step; step = queue.shift()) {
      const started = Date.now();
      emit({ type: 'table:start', table: `${step.schema}.${step.name}`, bytes: step.bytes });
      const columns = await readCopyColumns(source, step.schema, step.name);
      const result = await copyTable(source, target, { schema: step.schema, name: step.name, columns, binary: options.binary, signal: options.signal });
      copied.push({ step, result });
      await options.onStepDone?.(step, result);
      emit({ type: 'table:done', table: `${step.schema}.${step.name}`, rows: result.rows, bytes: result.bytes, ms: Date.now() - started });
    }
    await source.client.query('COMMIT').catch(() => undefined);
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, queue.length)) }, worker));
  } finally {
    await leader.client.query('COMMIT').catch(() => undefined);
  }
  return { snapshot, copied, skipped };
}
