/**
 * The dual-write store: one collection API (get, list, insert, update, delete) over an application's JSON files and
 * PostgreSQL, switched by configuration through the five phases of a move (docs/JSON.md). Reads come from one store;
 * writes go to one or both. With both, the store reads are served from is the primary: its write decides the
 * answer, then the other store (the secondary) gets the whole record; a secondary failure never fails the request,
 * it is appended to the failed-write log (flushed to disk) for `pgferry repair`. Operations on one record run one
 * after another, so the two stores see its writes in the same order. Shadow reads read both stores, answer with the
 * primary's and count (and report) every mismatch.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { PgferryError } from '../errors/pgferry-error.js';
import type { JsonCollectionMapping } from '../model/json/infer-mapping.js';
import { checkedJsonMapping } from '../model/json/checked-mapping.js';
import { plainJson } from '../model/json/json-text.js';
import { recordDifferences, recordKey } from '../model/json/record-rows.js';
import { planFileSettings } from '../plan/load-plan-file.js';
import { jsonMapping } from '../plan/plan-schema.js';
import { appendFailedWrite, type FailedWrite } from './failed-writes.js';
import type { JsonRecord } from './json-file-store.js';
import { KeyedQueue } from './keyed-queue.js';
import { mappedJsonStore } from './mapped-json-store.js';
import { PostgresRecordStore, storedRecord } from './postgres-record-store.js';

export type StoreName = 'json' | 'postgres';

export interface DualWriteConfig {
  /** The plan's json mapping: its `collections`, or a plan file that has a `json` section (its path, or { planFile }). */
  readonly mapping: Readonly<Record<string, JsonCollectionMapping>> | { readonly planFile: string } | string;
  /** The directory of the collection files. */
  readonly json: { readonly directory: string };
  /** The database (needed unless reads and writes are both json). */
  readonly postgres?: { readonly url: string; readonly connectTimeoutSeconds?: number; readonly poolSize?: number };
  readonly reads: StoreName;
  readonly writes: StoreName | 'both';
  /** Read both stores, answer with the primary's, record every mismatch. */
  readonly shadowReads?: boolean;
  /** Where failed secondary writes are recorded (NDJSON); needed when writes is both. */
  readonly failedWritesLog?: string;
  readonly onMismatch?: (mismatch: ShadowMismatch) => void;
  readonly onSecondaryFailure?: (failure: FailedWrite) => void;
}

/** A shadow read whose two answers differ, or whose secondary read failed. */
export interface ShadowMismatch {
  readonly collection: string;
  /** The record's key; absent for a list. */
  readonly key?: unknown;
  /** Fields that differ (get), or keys one store has and the other lacks or holds differently (list). */
  readonly differences: readonly string[];
  /** The secondary read failed: its error's message. */
  readonly error?: string;
}

export interface DualWriteStats {
  readonly shadowReads: number;
  readonly mismatches: number;
  readonly secondaryFailures: number;
  /** Secondary failures the log could not take (its disk full or gone): repair cannot find them; verify will. */
  readonly unlogged: number;
}

export interface DualWriteStore {
  get(collection: string, key: unknown): Promise<JsonRecord | undefined>;
  list(collection: string): Promise<JsonRecord[]>;
  insert(collection: string, record: JsonRecord): Promise<JsonRecord>;
  /** Sets the fields of `changes` on the record (the key stays); undefined when there is none. */
  update(collection: string, key: unknown, changes: JsonRecord): Promise<JsonRecord | undefined>;
  delete(collection: string, key: unknown): Promise<boolean>;
  stats(): DualWriteStats;
  /** Waits for operations under way, then closes the database pool. */
  close(): Promise<void>;
}

/** The mapping's collections, from the config or its plan file's json section. */
function mappingOf(config: DualWriteConfig): Readonly<Record<string, JsonCollectionMapping>> {
  const given = config.mapping;
  if (given === null || (typeof given !== 'object' && typeof given !== 'string')) {
    throw new PgferryError('DUAL_WRITE_CONFIG', 'dual-write: no mapping is given', { hint: "Give mapping: 'plan.yaml' (the plan pgferry infer wrote) or the plan's json.collections object." });
  }
  if (typeof given === 'object' && !('planFile' in given)) return checkedJsonMapping(given);
  const planFile = typeof given === 'string' ? given : (given.planFile as string);
  let text: string;
  try {
    text = readFileSync(planFile, 'utf8');
  } catch (error) {
    throw new PgferryError('PLAN_NOT_FOUND', `the plan file ${planFile} cannot be read: ${(error as Error).message}`, { hint: 'Give the plan file pgferry infer wrote (--out plan.yaml).' });
  }
  let settings: Record<string, unknown>;
  try {
    settings = planFileSettings(planFile, text);
  } catch (error) {
    throw new PgferryError('JSON_MAPPING_INVALID', `the plan file ${planFile} holds no json mapping: ${(error as Error).message}`, { hint: 'Draft it with: pgferry infer --from json://DIR --out plan.yaml.' });
  }
  const checked = jsonMapping.safeParse(settings.json);
  if (!checked.success) {
    throw new PgferryError('JSON_MAPPING_INVALID', `the plan file ${planFile} has no usable json section: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, {
      hint: 'Draft it with: pgferry infer --from json://DIR --out plan.yaml.',
    });
  }
  return checkedJsonMapping(checked.data.collections);
}

const storeNames = ['json', 'postgres'];

function configProblem(config: DualWriteConfig): string | null {
  if (!storeNames.includes(config.reads)) return `reads is ${JSON.stringify(config.reads)}; it takes 'json' or 'postgres'`;
  if (![...storeNames, 'both'].includes(config.writes)) return `writes is ${JSON.stringify(config.writes)}; it takes 'json', 'postgres' or 'both'`;
  if (!config.json?.directory) return 'json.directory (the directory of the collection files) is not given';
  if (config.writes !== 'both' && config.writes !== config.reads) return `reads from ${config.reads} but writes only to ${config.writes}: reads would miss every write`;
  if ((config.reads === 'postgres' || config.writes !== 'json' || config.shadowReads) && !config.postgres) return 'postgres is used but no postgres.url is given';
  if (config.writes === 'both' && !config.failedWritesLog) return 'writes go to both stores but no failedWritesLog is given: a failed secondary write would be lost';
  if (config.shadowReads && config.writes !== 'both') return 'shadow reads compare two stores, so writes must go to both';
  return null;
}

/**
 * A store over the application's JSON files and PostgreSQL.
 *
 * @example
 * const store = createDualWriteStore({
 *   mapping: { planFile: 'plan.yaml' }, json: { directory: './data' }, postgres: { url: process.env.DATABASE_URL! },
 *   reads: 'json', writes: 'both', failedWritesLog: './pgferry-failed-writes.ndjson',
 * });
 * await store.update('users', id, { email });
 */
export function createDualWriteStore(config: DualWriteConfig): DualWriteStore {
  const problem = configProblem(config);
  if (problem) throw new PgferryError('DUAL_WRITE_CONFIG', `dual-write: ${problem}`, { hint: 'docs/JSON.md lists the settings of each of the five phases.' });
  const collections = mappingOf(config);
  if (config.writes === 'both') {
    try {
      closeSync(openSync(config.failedWritesLog!, 'a', 0o600));
    } catch (error) {
      throw new PgferryError('DUAL_WRITE_CONFIG', `dual-write: the failed-write log ${config.failedWritesLog} cannot be written: ${(error as Error).message}`, { hint: 'Give a failedWritesLog path in a directory the application may write.' });
    }
  }
  for (const [name, mapping] of Object.entries(collections)) {
    if (mapping.key.length !== 1) throw new PgferryError('DUAL_WRITE_CONFIG', `dual-write: ${name} is keyed by ${mapping.key.length} fields; the store takes one key field per collection`, { hint: 'Key the collection by one field (key: [id]).' });
    if (/\.(ndjson|jsonl)$/i.test(mapping.file)) throw new PgferryError('DUAL_WRITE_CONFIG', `dual-write: ${mapping.file} is NDJSON; the store writes JSON array files`, { hint: 'Keep the collection as a JSON array file (users.json).' });
  }
  const json = mappedJsonStore(config.json.directory, collections);
  const postgres = config.postgres ? new PostgresRecordStore({ url: config.postgres.url, collections, ...(config.postgres.connectTimeoutSeconds ? { connectTimeoutSeconds: config.postgres.connectTimeoutSeconds } : {}), ...(config.postgres.poolSize ? { poolSize: config.postgres.poolSize } : {}) }) : undefined;
  const stores = { json, postgres: postgres! } as const;
  const primary = stores[config.reads];
  const secondaryName: StoreName | null = config.writes === 'both' ? (config.reads === 'json' ? 'postgres' : 'json') : null;
  const secondary = secondaryName ? stores[secondaryName] : null;
  const counts = { shadowReads: 0, mismatches: 0, secondaryFailures: 0, unlogged: 0 };
  const queue = new KeyedQueue();

  const known = (collection: string) => {
    const mapping = collections[collection];
    if (!mapping) throw new PgferryError('DUAL_WRITE_CONFIG', `dual-write: the mapping has no collection ${collection}`, { hint: `Collections: ${Object.keys(collections).join(', ')}.` });
    return mapping;
  };
  /** Runs `work` after every operation on the same record queued before it. */
  const serialized = <T>(collection: string, key: unknown, work: () => Promise<T>): Promise<T> => {
    return queue.run(`${collection}\n${recordKey(known(collection), storedRecord({ [known(collection).key[0]!]: key }))}`, work);
  };
  /** Applies a write to the secondary; a failure is logged durably and reported, never thrown. */
  const toSecondary = async (collection: string, key: unknown, op: 'put' | 'delete', record?: JsonRecord) => {
    if (!secondary || !secondaryName) return;
    try {
      if (op === 'put') await secondary.put(collection, record!);
      else await secondary.delete(collection, key);
    } catch (error) {
      const e = error as { code?: string; message?: string };
      const failure: FailedWrite = { at: new Date().toISOString(), store: secondaryName, collection, key, op, error: { ...(typeof e.code === 'string' ? { code: e.code } : {}), message: String(e.message ?? error) } };
      counts.secondaryFailures += 1;
      try {
        appendFailedWrite(config.failedWritesLog!, failure);
      } catch {
        // The primary has the write: the request still succeeds, and the miss is counted and reported unlogged.
        counts.unlogged += 1;
      }
      try {
        config.onSecondaryFailure?.(failure);
      } catch {
        // The application's callback failing is not the request's failure.
      }
    }
  };
  const mismatch = (m: ShadowMismatch) => {
    counts.mismatches += 1;
    try {
      config.onMismatch?.(m);
    } catch {
      // The application's callback failing is not the read's failure.
    }
  };

  return {
    async get(collection, key) {
      const mapping = known(collection);
      if (!config.shadowReads || !secondary) return primary.get(collection, key);
      const [answer, shadow] = await Promise.all([primary.get(collection, key), secondary.get(collection, key).then((r) => ({ r }), (error: Error) => ({ error }))]);
      counts.shadowReads += 1;
      if ('error' in shadow) mismatch({ collection, key, differences: [], error: shadow.error.message });
      else if (!answer || !shadow.r) {
        if (answer || shadow.r) mismatch({ collection, key, differences: [answer ? `only in ${config.reads}` : `only in ${secondaryName}`] });
      } else {
        const differences = recordDifferences(mapping, storedRecord(answer), storedRecord(shadow.r));
        if (differences.length > 0) mismatch({ collection, key, differences });
      }
      return answer;
    },
    async list(collection) {
      const mapping = known(collection);
      if (!config.shadowReads || !secondary) return primary.list(collection);
      const [answer, shadow] = await Promise.all([primary.list(collection), secondary.list(collection).then((r) => ({ r }), (error: Error) => ({ error }))]);
      counts.shadowReads += 1;
      if ('error' in shadow) {
        mismatch({ collection, differences: [], error: shadow.error.message });
        return answer;
      }
      const byKey = new Map(shadow.r.map((r) => [recordKey(mapping, storedRecord(r)), r]));
      const differences: string[] = [];
      for (const record of answer) {
        const stored = storedRecord(record);
        const key = recordKey(mapping, stored);
        const other = byKey.get(key);
        byKey.delete(key);
        if (!other) differences.push(`${key} only in ${config.reads}`);
        else if (recordDifferences(mapping, stored, storedRecord(other)).length > 0) differences.push(`${key} differs`);
      }
      for (const key of byKey.keys()) differences.push(`${key} only in ${secondaryName}`);
      if (differences.length > 0) mismatch({ collection, differences });
      return answer;
    },
    insert(collection, record) {
      const key = record[known(collection).key[0]!];
      return serialized(collection, key, async () => {
        const inserted = await primary.insert(collection, record);
        await toSecondary(collection, key, 'put', inserted);
        return inserted;
      });
    },
    update(collection, key, changes) {
      return serialized(collection, key, async () => {
        const updated = await primary.change(collection, key, changes);
        if (updated) await toSecondary(collection, key, 'put', updated);
        return updated && (plainJson(updated) as JsonRecord);
      });
    },
    delete(collection, key) {
      return serialized(collection, key, async () => {
        const existed = await primary.delete(collection, key);
        await toSecondary(collection, key, 'delete');
        return existed;
      });
    },
    stats: () => ({ ...counts }),
    async close() {
      await queue.idle();
      await postgres?.close();
    },
  };
}
