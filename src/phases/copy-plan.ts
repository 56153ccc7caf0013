/**
 * Pure: the copy steps of a run. Each table that holds rows is one step, largest first; a table larger than
 * the chunk size with an integer primary key is split into key ranges so several workers share it and a resumed
 * run redoes only the unfinished ranges.
 */
import { splitKeys, type ChunkKey, type KeyRange } from '../model/key-range.js';
import type { QualifiedName } from '../model/schema-model.js';

export interface CopyStep {
  /** Stable id recorded in the journal: "copy:public.orders" or "copy:public.orders#3". */
  readonly id: string;
  readonly table: QualifiedName;
  /** Estimated bytes of this step (the table's size, divided among its chunks). */
  readonly bytes: number;
  readonly range?: KeyRange;
}

export interface CopyCandidate extends QualifiedName {
  readonly bytes: number;
  readonly holdsRows: boolean;
}

export function tableId(table: QualifiedName): string {
  return `${table.schema}.${table.name}`;
}

/** How many chunks a table of `bytes` gets; 1 when it is small or has no usable key. */
export function chunkCount(bytes: number, chunkBytes: number, key: ChunkKey | null | undefined): number {
  if (!key || key.min === null || key.max === null || chunkBytes <= 0) return 1;
  const wanted = BigInt(Math.max(1, Math.ceil(bytes / chunkBytes)));
  const span = BigInt(key.max) - BigInt(key.min) + 1n;
  return Number(wanted < span ? wanted : span);
}

/** The default chunk size: half of one job's share of all data, at least 64 MB. */
export function autoChunkBytes(tables: readonly CopyCandidate[], jobs: number): number {
  const total = tables.filter((t) => t.holdsRows).reduce((sum, t) => sum + t.bytes, 0);
  return Math.max(64 * 1024 * 1024, Math.ceil(total / (jobs * 2)));
}

export function planCopySteps(tables: readonly CopyCandidate[], keys: ReadonlyMap<string, ChunkKey | null>, chunkBytes: number): CopyStep[] {
  const steps: CopyStep[] = [];
  for (const table of tables.filter((t) => t.holdsRows)) {
    const id = tableId(table);
    const key = keys.get(id);
    const chunks = chunkCount(table.bytes, chunkBytes, key);
    const ref = { schema: table.schema, name: table.name };
    if (chunks === 1 || !key) {
      steps.push({ id: `copy:${id}`, table: ref, bytes: table.bytes });
      continue;
    }
    splitKeys(BigInt(key.min!), BigInt(key.max!), chunks).forEach((slice, i) => {
      steps.push({
        id: `copy:${id}#${i + 1}`,
        table: ref,
        bytes: Math.ceil(table.bytes / chunks),
        range: { column: key.column, from: slice.from?.toString() ?? null, to: slice.to?.toString() ?? null },
      });
    });
  }
  return steps.sort((a, b) => b.bytes - a.bytes || a.id.localeCompare(b.id, 'en', { numeric: true }));
}
