/**
 * The JSON backfill: every record of every mapped collection file upserted into its tables, in batches. A record
 * that cannot be loaded (no key, a key given twice, a value its column's type does not take) goes to the reject
 * file with the reason; every other one is written, and one already equal in PostgreSQL is left untouched, so a
 * re-run changes nothing. The file is read again, under the batch's record locks, when it changed since it was
 * read: an application writing through the dual-write store (file first, PostgreSQL second) is never overtaken.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileStamp, readJsonCollection, type JsonCollection } from '../endpoints/json/json-collections.js';
import type { JsonTargetDatabase } from '../endpoints/postgres/json-target.js';
import type { WriteCounts } from '../endpoints/postgres/json-record-tables.js';
import type { EventListener } from '../model/events.js';
import type { JsonCollectionMapping } from '../model/json/infer-mapping.js';
import { jsonTextOf } from '../model/json/json-text.js';
import { serverErrorFields } from '../endpoints/postgres/server-error.js';
import { loadableRecords } from '../model/json/loadable-records.js';
import { flattenRecord, type JsonObject, type ParentLookup, type RecordProblem, type TableRow } from '../model/json/record-rows.js';
import { parentKeys } from './json-parent-keys.js';

/** One record kept out, as its line in the reject file has it. */
export interface RejectedRecord {
  readonly collection: string;
  readonly file: string;
  /** The record's place in the file (1-based). */
  readonly record: number;
  /** Its key fields, when it has them. */
  readonly key: JsonObject | null;
  readonly field: string;
  readonly value?: unknown;
  readonly reason: string;
}

export interface CollectionBackfill {
  readonly collection: string;
  readonly table: string;
  readonly file: string;
  /** Records in the file when it was first read. */
  readonly read: number;
  /** Records written into PostgreSQL: inserted + updated + unchanged. */
  readonly loaded: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: number;
  /** Records the application deleted from the file while the backfill ran (not written). */
  readonly goneMeanwhile: number;
  /** Rows of the nested arrays' tables, per table. */
  readonly children: ReadonlyArray<{ readonly table: string } & WriteCounts>;
  /** The reject file, when a record was kept out. */
  readonly rejectFile?: string;
  /** The first few records kept out. */
  readonly examples: readonly RejectedRecord[];
}

export interface BackfillOptions {
  readonly directory: string;
  readonly collections: Readonly<Record<string, JsonCollectionMapping>>;
  /** Every collection's file as read before anything was written (readStampedCollection), by collection. */
  readonly files: ReadonlyMap<string, JsonCollection & { readonly stamp: string }>;
  /** Where reject files go (one per collection, written only when a record is kept out). */
  readonly rejectsDir: string;
  readonly batchSize?: number;
  readonly onEvent: EventListener;
}

const examplesKept = 5;

function keyFieldsOf(mapping: JsonCollectionMapping, record: JsonObject): JsonObject | null {
  const key: JsonObject = {};
  for (const field of mapping.key) {
    if (record[field] === undefined) return null;
    key[field] = record[field]!;
  }
  return key;
}

/** Appends lines to a reject file made (emptied) at the first one; flushed before the count is reported. */
class RejectFile {
  private fd: number | undefined;
  constructor(readonly path: string) {
    rmSync(path, { force: true });
  }
  add(entry: RejectedRecord): void {
    if (this.fd === undefined) {
      mkdirSync(join(this.path, '..'), { recursive: true });
      this.fd = openSync(this.path, 'w');
    }
    writeSync(this.fd, `${jsonTextOf(entry)}\n`);
  }
  close(): boolean {
    if (this.fd === undefined) return false;
    fsyncSync(this.fd);
    closeSync(this.fd);
    return true;
  }
}

export async function backfillJson(target: JsonTargetDatabase, options: BackfillOptions): Promise<CollectionBackfill[]> {
  const results: CollectionBackfill[] = [];
  const parents = parentKeys(options.directory, options.collections, options.files);
  for (const [collection, mapping] of Object.entries(options.collections)) {
    const started = Date.now();
    options.onEvent({ type: 'step:start', phase: 'backfill', step: collection });
    const result = await backfillCollection(target, collection, mapping, options, parents);
    options.onEvent({ type: 'step:done', phase: 'backfill', step: collection, ms: Date.now() - started, rows: result.loaded });
    results.push(result);
  }
  return results;
}

async function backfillCollection(target: JsonTargetDatabase, collection: string, mapping: JsonCollectionMapping, options: BackfillOptions, parents: ParentLookup): Promise<CollectionBackfill> {
  const file = join(options.directory, mapping.file);
  const rejects = new RejectFile(join(options.rejectsDir, `${collection.replace(/[/\\]/g, '_')}.ndjson`));
  const examples: RejectedRecord[] = [];
  let rejected = 0;
  const reject = (at: number, record: JsonObject, problem: RecordProblem) => {
    const entry: RejectedRecord = { collection, file: mapping.file, record: at + 1, key: keyFieldsOf(mapping, record), field: problem.field, ...(problem.value !== undefined ? { value: problem.value } : {}), reason: problem.reason };
    rejects.add(entry);
    if (examples.length < examplesKept) examples.push(entry);
    rejected += 1;
  };

  const read = options.files.get(collection)!;
  let stamp = read.stamp;
  const records = read.records;
  const first = loadableRecords(mapping, records, parents);
  for (const { at, record, problem } of first.setAside) reject(at, record, problem);
  /** Where each loaded key's record is in the file, as first read. */
  const firstAt = new Map([...first.byKey].filter(([, chosen]) => !chosen.problem).map(([key, chosen]) => [key, chosen.at]));
  const keys = [...firstAt.keys()];
  const batchSize = options.batchSize ?? 500;
  const batches = Array.from({ length: Math.ceil(keys.length / batchSize) }, (_, i) => keys.slice(i * batchSize, (i + 1) * batchSize));

  /** The records as they are now, by key: the first read until the file changes. */
  let current = new Map([...firstAt].map(([key, at]) => [key, records[at]!]));
  const counts = { inserted: 0, updated: 0, written: 0, gone: 0 };
  const children = new Map<string, WriteCounts>();
  /**
   * Writes one batch; resolves to the rows changed per table, with how many records were written and gone. The
   * records it finds it cannot load are rejected only once the batch committed.
   */
  const writeBatch = async (keys: readonly string[]) => {
    let written = 0;
    let gone = 0;
    let problems: Array<[string, RecordProblem]> = [];
    const tableCounts = await target.records.writeRecords(collection, keys, () => {
      [written, gone, problems] = [0, 0, []];
      const now = fileStamp(file);
      if (now !== stamp) {
        stamp = now;
        // The record of a key the first read would load (or the one that shows why none can be).
        current = new Map([...loadableRecords(mapping, readJsonCollection(file).records, parents).byKey].map(([key, chosen]) => [key, chosen.record]));
      }
      const rows = new Map<string, TableRow[]>();
      for (const key of keys) {
        const record = current.get(key);
        if (!record) {
          gone += 1;
          continue;
        }
        const flat = flattenRecord(mapping, record, parents);
        if (flat.problem) {
          problems.push([key, flat.problem]);
          continue;
        }
        for (const [table, tableRows] of flat.rows) {
          const into = rows.get(table);
          if (into) into.push(...tableRows);
          else rows.set(table, [...tableRows]);
        }
        written += 1;
      }
      return rows;
    });
    for (const [key, problem] of problems) reject(firstAt.get(key)!, current.get(key)!, problem);
    return { tableCounts, written, gone };
  };
  for (const keys of batches) {
    let outcomes: Array<Awaited<ReturnType<typeof writeBatch>>>;
    try {
      outcomes = [await writeBatch(keys)];
    } catch (error) {
      // A value PostgreSQL refuses (numeric(5,2) given 1234.5, a check the user added): find the record, one at a time.
      if (!/^2[23]/.test(serverErrorFields(error).sqlState ?? '')) throw error;
      outcomes = [];
      for (const key of keys) {
        try {
          outcomes.push(await writeBatch([key]));
        } catch (single) {
          const sqlState = serverErrorFields(single).sqlState ?? '';
          if (!/^2[23]/.test(sqlState)) throw single;
          const record = current.get(key)!;
          reject(firstAt.get(key)!, record, { field: mapping.key.join(', '), reason: `PostgreSQL refused it: ${(single as Error).message} (SQLSTATE ${sqlState})` });
        }
      }
    }
    for (const { tableCounts, written, gone } of outcomes) {
      accumulate(tableCounts, written, gone);
    }
  }
  function accumulate(tableCounts: Map<string, WriteCounts>, written: number, gone: number): void {
    for (const [table, c] of tableCounts) {
      if (table === mapping.table) {
        counts.inserted += c.inserted;
        counts.updated += c.updated;
        continue;
      }
      const sum = children.get(table) ?? { inserted: 0, updated: 0, deleted: 0 };
      children.set(table, { inserted: sum.inserted + c.inserted, updated: sum.updated + c.updated, deleted: sum.deleted + c.deleted });
    }
    counts.written += written;
    counts.gone += gone;
  }
  const wroteRejects = rejects.close();
  return {
    collection,
    table: mapping.table,
    file: mapping.file,
    read: records.length,
    loaded: counts.written,
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: counts.written - counts.inserted - counts.updated,
    rejected,
    goneMeanwhile: counts.gone,
    children: [...children].map(([table, c]) => ({ table, ...c })),
    ...(wroteRejects ? { rejectFile: rejects.path } : {}),
    examples,
  };
}
