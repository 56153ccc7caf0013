/** Pure: rows, bytes and throughput per table, from the copy steps a run log recorded (chunks of a table summed). */
import type { EventRecord } from '../model/run-record.js';

export interface ReportTable {
  readonly table: string;
  readonly rows: number;
  readonly bytes: number;
  readonly chunks: number;
  /** Time some chunk of the table was being copied (chunks copied side by side counted once). */
  readonly ms: number;
  /** null when the copy took no measurable time. */
  readonly bytesPerSecond: number | null;
}

/** "copy:public.orders#3" → "public.orders". */
export function copiedTableOf(stepId: string): string {
  return stepId.replace(/^copy:/, '').replace(/#\d+$/, '');
}

export function tablesOf(events: readonly EventRecord[]): ReportTable[] {
  // A step copied again (a resumed run's recopy) counts once, as last done.
  const done = new Map<string, { table: string; rows: number; bytes: number; from: number; to: number }>();
  for (const event of events) {
    if (event.type !== 'step:done' || event.phase !== 'copy') continue;
    const to = Date.parse(event.at);
    done.set(event.step, { table: copiedTableOf(event.step), rows: event.rows ?? 0, bytes: event.bytes ?? 0, from: to - event.ms, to });
  }
  const byTable = new Map<string, Array<{ rows: number; bytes: number; from: number; to: number }>>();
  for (const step of done.values()) byTable.set(step.table, [...(byTable.get(step.table) ?? []), step]);
  return [...byTable.entries()]
    .map(([table, steps]) => {
      const rows = steps.reduce((n, s) => n + s.rows, 0);
      const bytes = steps.reduce((n, s) => n + s.bytes, 0);
      const ms = coveredMs(steps);
      return { table, rows, bytes, chunks: steps.length, ms, bytesPerSecond: ms > 0 ? (bytes * 1000) / ms : null };
    })
    .sort((a, b) => a.table.localeCompare(b.table));
}

/** The length of the union of intervals. */
function coveredMs(intervals: ReadonlyArray<{ from: number; to: number }>): number {
  let total = 0;
  let reach = -Infinity;
  for (const { from, to } of [...intervals].sort((a, b) => a.from - b.from)) {
    if (to <= reach) continue;
    total += to - Math.max(from, reach);
    reach = to;
  }
  return total;
}
