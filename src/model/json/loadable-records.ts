/**
 * Pure: which record of a collection file each key loads, and which records cannot be loaded and why: what the
 * backfill writes and what verify compares, decided in one place so the two never disagree.
 */
import type { JsonCollectionMapping } from './infer-mapping.js';
import { flattenRecord, recordKey, type JsonObject, type ParentLookup, type RecordProblem } from './record-rows.js';

export interface LoadableRecords {
  /**
   * Per key, in file order: the first record of that key that can be loaded, or (when none can) the first of it,
   * with its problem.
   */
  readonly byKey: ReadonlyMap<string, { readonly record: JsonObject; readonly at: number; readonly problem?: RecordProblem }>;
  /** Every record that is not loaded: its place in the file (0-based), the record, its key and why. */
  readonly setAside: ReadonlyArray<{ readonly at: number; readonly record: JsonObject; readonly key: string; readonly problem: RecordProblem }>;
}

export function loadableRecords(mapping: JsonCollectionMapping, records: readonly JsonObject[], parents: ParentLookup): LoadableRecords {
  const byKey = new Map<string, { record: JsonObject; at: number; problem?: RecordProblem }>();
  const setAside: Array<{ at: number; record: JsonObject; key: string; problem: RecordProblem }> = [];
  records.forEach((record, at) => {
    const key = recordKey(mapping, record);
    const chosen = byKey.get(key);
    const problem =
      flattenRecord(mapping, record, parents).problem ??
      (chosen && !chosen.problem ? { field: mapping.key.join(', '), value: record[mapping.key[0]!], reason: `the key is given again: record ${chosen.at + 1} has it too (only the first is loaded)` } : undefined);
    if (problem) {
      setAside.push({ at, record, key, problem });
      if (!chosen) byKey.set(key, { record, at, problem });
    } else byKey.set(key, { record, at });
  });
  return { byKey, setAside };
}
