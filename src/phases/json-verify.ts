/**
 * JSON verify: every record of every mapped collection file compared with the record PostgreSQL's rows make
 * (nested arrays re-assembled, extra fields restored), by key. Missing, extra and differing records are counted and
 * the first few shown with the fields that differ; key order, number formats, timestamp offsets and UUID case do not
 * count. Records the backfill cannot load (the reject file's) are set aside, counted, not compared.
 */
import { join } from 'node:path';
import { readStampedCollection } from '../endpoints/json/json-collections.js';
import type { JsonTargetDatabase } from '../endpoints/postgres/json-target.js';
import type { EventListener } from '../model/events.js';
import type { JsonCollectionMapping } from '../model/json/infer-mapping.js';
import { loadableRecords } from '../model/json/loadable-records.js';
import { keyFields, recordDifferences, type JsonObject, type ParentLookup } from '../model/json/record-rows.js';
import { parentKeys } from './json-parent-keys.js';
import { jsonTextOf } from '../model/json/json-text.js';

export interface RecordDifference {
  /** The record's key fields' values as JSON text: ["0b6f3c1e-…"], [2]. */
  readonly key: string;
  readonly kind: 'missing' | 'extra' | 'different';
  /** For a differing record, the fields that differ (tasks[1].done). */
  readonly fields?: readonly string[];
}

export interface CollectionComparison {
  readonly collection: string;
  readonly table: string;
  readonly file: string;
  /** Records in the file. */
  readonly sourceRecords: number;
  /** Records of the file that cannot be loaded (no key, a repeated key, a value the column does not take). */
  readonly setAside: number;
  readonly targetRecords: number;
  readonly equal: number;
  readonly missing: number;
  readonly extra: number;
  readonly differing: number;
  /** Equal records as a percentage of every record either side has, set-aside ones included (100 when both are empty). */
  readonly accuracy: number;
  readonly examples: readonly RecordDifference[];
  /** The first records set aside, with why. */
  readonly setAsideExamples: ReadonlyArray<{ readonly key: string; readonly field: string; readonly reason: string }>;
}

export interface JsonVerifyOptions {
  readonly directory: string;
  readonly collections: Readonly<Record<string, JsonCollectionMapping>>;
  /** Differing records shown per collection. */
  readonly maxDiffs: number;
  readonly onEvent: EventListener;
}

export async function verifyJson(target: JsonTargetDatabase, options: JsonVerifyOptions): Promise<CollectionComparison[]> {
  const comparisons: CollectionComparison[] = [];
  const files = new Map(Object.entries(options.collections).map(([name, m]) => [name, readStampedCollection(join(options.directory, m.file))]));
  const parents = parentKeys(options.directory, options.collections, files);
  for (const [collection, mapping] of Object.entries(options.collections)) {
    const started = Date.now();
    options.onEvent({ type: 'step:start', phase: 'verify', step: collection });
    const comparison = await compareCollection(target, collection, mapping, files.get(collection)!.records, parents, options);
    options.onEvent({ type: 'step:done', phase: 'verify', step: collection, ms: Date.now() - started, rows: comparison.sourceRecords });
    comparisons.push(comparison);
  }
  return comparisons;
}

async function compareCollection(
  target: JsonTargetDatabase,
  collection: string,
  mapping: JsonCollectionMapping,
  records: readonly JsonObject[],
  parents: ParentLookup,
  options: JsonVerifyOptions,
): Promise<CollectionComparison> {
  const shown = (record: JsonObject) => jsonTextOf(keyFields(mapping).map((c) => record[c.field] ?? null));
  const loadable = loadableRecords(mapping, records, parents);
  const source = new Map([...loadable.byKey].filter(([, chosen]) => !chosen.problem).map(([key, chosen]) => [key, chosen.record]));
  /** Keys of records the backfill cannot load: PostgreSQL's record of such a key is not extra, it is set aside too. */
  const setAsideKeys = new Set([...loadable.byKey].filter(([, chosen]) => chosen.problem).map(([key]) => key));
  const setAside = loadable.setAside.length;
  const setAsideExamples = loadable.setAside.slice(0, options.maxDiffs).map(({ record, problem }) => ({ key: shown(record), field: problem.field, reason: problem.reason }));
  const targetRecords = await target.records.records(collection);
  const examples: RecordDifference[] = [];
  const note = (difference: RecordDifference) => {
    if (examples.length < options.maxDiffs) examples.push(difference);
  };
  let [equal, differing, extra] = [0, 0, 0];
  const seen = new Set<string>();
  for (const { key, record } of targetRecords) {
    seen.add(key);
    const wanted = source.get(key);
    if (!wanted && setAsideKeys.has(key)) continue;
    if (!wanted) {
      extra += 1;
      note({ key: shown(record), kind: 'extra' });
      continue;
    }
    const fields = recordDifferences(mapping, wanted, record);
    if (fields.length === 0) equal += 1;
    else {
      differing += 1;
      note({ key: shown(record), kind: 'different', fields });
    }
  }
  let missing = 0;
  for (const [key, record] of source) {
    if (seen.has(key)) continue;
    missing += 1;
    note({ key: shown(record), kind: 'missing' });
  }
  const compared = records.length + extra;
  return {
    collection,
    table: mapping.table,
    file: mapping.file,
    sourceRecords: records.length,
    setAside,
    targetRecords: targetRecords.length,
    equal,
    missing,
    extra,
    differing,
    accuracy: compared === 0 ? 100 : Math.floor((equal / compared) * 10000) / 100,
    examples,
    setAsideExamples,
  };
}
