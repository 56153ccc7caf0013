/**
 * The PostgreSQL side of the dual-write library: the same collection API as the JSON store (get, list, insert,
 * update, delete, put), over the tables of the plan's json mapping. A record is written whole, in one transaction
 * under its key's lock (the lock the backfill and repair take too), and read back in its JSON shape.
 */
import { PgferryError } from '../errors/pgferry-error.js';
import { JsonTargetDatabase } from '../endpoints/postgres/json-target.js';
import type { JsonCollectionMapping } from '../model/json/infer-mapping.js';
import { jsonTextOf, parseJsonText, plainJson } from '../model/json/json-text.js';
import { flattenRecord, type JsonObject } from '../model/json/record-rows.js';
import { valueProblem } from '../model/json/json-column-values.js';
import type { JsonRecord } from './json-file-store.js';
import { keyTaken, requireKey } from './record-key-errors.js';
import type { RecordRows } from '../endpoints/postgres/json-record-tables.js';

/** A record the application gave, as the strict reader would have read it (numbers keep their text). */
export function storedRecord(record: JsonRecord): JsonObject {
  return parseJsonText(jsonTextOf(record)) as JsonObject;
}

export interface PostgresRecordStoreOptions {
  readonly url: string;
  readonly collections: Readonly<Record<string, JsonCollectionMapping>>;
  readonly connectTimeoutSeconds?: number;
  /** Sessions the store's pool may open (default 4). */
  readonly poolSize?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export class PostgresRecordStore {
  readonly database: JsonTargetDatabase;

  constructor(private readonly options: PostgresRecordStoreOptions) {
    this.database = new JsonTargetDatabase(options.url, options.collections, {
      connectTimeoutSeconds: options.connectTimeoutSeconds ?? 5,
      sessions: options.poolSize ?? 4,
      label: 'postgres',
      ...(options.env ? { env: options.env } : {}),
    });
  }

  private keyField(collection: string): string {
    const mapping = this.options.collections[collection];
    if (!mapping) throw new PgferryError('DUAL_WRITE_CONFIG', `the mapping has no collection ${collection}`, { hint: 'Add it to json.collections, or use a collection the mapping names.' });
    return mapping.key[0]!;
  }

  /** The key as the record's key fields, or undefined when no record can have it (not a UUID for a uuid key). */
  private keyRecord(collection: string, id: unknown): JsonObject | undefined {
    const field = this.keyField(collection);
    const key = storedRecord({ [field]: id });
    const column = this.options.collections[collection]!.columns.find((c) => c.field === field);
    return key[field] === undefined || key[field] === null || (column && valueProblem(column.type, key[field]!)) ? undefined : key;
  }

  async get(collection: string, id: unknown): Promise<JsonRecord | undefined> {
    const key = this.keyRecord(collection, id);
    if (!key) return undefined;
    const [found] = await this.database.records.records(collection, key);
    return found ? (plainJson(found.record) as JsonRecord) : undefined;
  }

  async list(collection: string): Promise<JsonRecord[]> {
    return (await this.database.records.records(collection)).map((r) => plainJson(r.record) as JsonRecord);
  }

  /** Writes the record whole (inserted, or replacing the one with its key); JSON_RECORD_REJECTED when the mapping cannot take it. */
  async put(collection: string, record: JsonRecord): Promise<void> {
    const stored = storedRecord(record);
    const rows = this.rowsOf(collection, stored);
    await this.database.records.writeRecords(collection, [this.database.records.keyOf(collection, stored)], () => rows);
  }

  /** The record's rows; JSON_RECORD_REJECTED (with `hint`) when the mapping cannot take it. */
  rowsOf(collection: string, stored: JsonObject, hint = "Fix the value, or change the column's type in the mapping (and the table)."): RecordRows {
    this.keyField(collection);
    const flat = flattenRecord(this.options.collections[collection]!, stored);
    if (flat.problem) throw new PgferryError('JSON_RECORD_REJECTED', `a record of ${collection} cannot be written to PostgreSQL: ${flat.problem.field}: ${flat.problem.reason}`, { hint });
    return flat.rows;
  }

  async insert(collection: string, record: JsonRecord): Promise<JsonRecord> {
    const key = this.keyField(collection);
    const id = requireKey(collection, key, record);
    this.rowsOf(collection, storedRecord(record));
    if (await this.get(collection, id)) throw keyTaken(collection, key, id);
    await this.put(collection, record);
    return record;
  }

  async update(collection: string, id: unknown, changes: JsonRecord): Promise<JsonRecord | undefined> {
    const updated = await this.change(collection, id, changes);
    return updated && (plainJson(updated) as JsonRecord);
  }

  /**
   * update, resolving to the record as written (numbers with their text). The record is read and written under its
   * lock, so two writers changing different fields of one record both keep their change.
   */
  async change(collection: string, id: unknown, changes: JsonRecord): Promise<JsonObject | undefined> {
    const key = this.keyRecord(collection, id);
    if (!key) return undefined;
    const field = this.keyField(collection);
    const tables = this.database.records;
    let updated: JsonObject | undefined;
    await tables.writeRecords(collection, [tables.keyOf(collection, key)], async (read) => {
      const [current] = await read(key);
      if (!current) return new Map();
      updated = { ...current.record, ...storedRecord(changes), [field]: current.record[field]! };
      return this.rowsOf(collection, updated);
    });
    return updated;
  }

  async delete(collection: string, id: unknown): Promise<boolean> {
    const key = this.keyRecord(collection, id);
    return key ? this.database.records.removeRecord(collection, key) : false;
  }

  async close(): Promise<void> {
    await this.database.close();
  }
}
