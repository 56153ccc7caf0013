/**
 * A resumed run copies what is left from a new snapshot. When the source was written in between, tables copied
 * from the old snapshot and tables copied from the new one no longer fit together (a child row whose parent the
 * old snapshot never had), so the change is found and named, and the run refuses or re-copies what changed.
 */
import { PgferryError } from '../errors/pgferry-error.js';
import type { Finding } from '../model/findings.js';
import type { Journal } from '../run/journal.js';
import { tableId, type CopyStep } from './copy-plan.js';

export type SourceChangePolicy = 'refuse' | 'recopy';

/** Pure: tables whose counters differ, appeared or disappeared between two readings. */
export function changedTables(before: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...names].filter((name) => before[name] !== now[name]).sort();
}

/**
 * Compares the source's state now with the one recorded when the run's copy started. When a table already copied
 * changed, the run refuses (SOURCE_CHANGED) or, with `recopy`, reopens that table's copies so it too comes from
 * the new snapshot. Changes only to tables not copied yet are consistent with the new snapshot: a warning.
 */
export function reconcileSourceChanges(journal: Journal, copySteps: readonly CopyStep[] | undefined, now: Record<string, string>, policy: SourceChangePolicy): Finding[] {
  const recorded = journal.value<Record<string, string>>('source_state');
  const copied = (copySteps ?? []).filter((s) => journal.isDone(s.id));
  const changed = recorded && copied.length > 0 ? changedTables(recorded, now) : [];
  const affected = changed.filter((table) => copied.some((s) => tableId(s.table) === table));
  if (affected.length > 0 && policy === 'refuse') {
    throw new PgferryError('SOURCE_CHANGED', `the source was written since this run's copy started, in table(s) already copied: ${affected.join(', ')}`, {
      hint: 'Rows copied before and after the change would not fit together (a child row whose parent the target never got). Stop the writers, then run the same command with --recopy-changed to copy those tables again from a new snapshot; or delete the run directory and empty the target to start over.',
    });
  }
  for (const step of copied.filter((s) => affected.includes(tableId(s.table)))) journal.reopenStep(step.id);
  journal.setValue('source_state', now);
  if (changed.length === 0) return [];
  const what = affected.length > 0 ? `copied again from the new snapshot: ${affected.join(', ')}` : 'none of them had been copied yet, so they come from the new snapshot';
  return [{ code: 'SOURCE_CHANGED', message: `the source was written since this run's copy started (${changed.join(', ')}); ${what}` }];
}
