/**
 * Repair: every record a secondary write failed for (the failed-write log) copied again from the store that has it
 * right, under the record's lock, so the application's writes meanwhile are neither lost nor overtaken. What is
 * copied is the record as it is now (or its absence), so the order and number of failures do not matter. Entries
 * that fail again go back to the log.
 */
import { rmSync } from 'node:fs';
import { PgferryError } from '../errors/pgferry-error.js';
import type { JsonCollectionMapping } from '../model/json/infer-mapping.js';
import { checkedJsonMapping } from '../model/json/checked-mapping.js';
import type { JsonObject } from '../model/json/record-rows.js';
import { appendFailedWrite, takeFailedWrites, type FailedWrite } from './failed-writes.js';
import type { JsonRecord } from './json-file-store.js';
import { mappedJsonStore } from './mapped-json-store.js';
import { PostgresRecordStore, storedRecord } from './postgres-record-store.js';

export interface RepairOptions {
  readonly collections: Readonly<Record<string, JsonCollectionMapping>>;
  readonly directory: string;
  readonly postgres: { readonly url: string; readonly connectTimeoutSeconds?: number; readonly env?: NodeJS.ProcessEnv };
  readonly failedWritesLog: string;
}

export interface RepairOutcome {
  /** Entries the log held. */
  readonly entries: number;
  /** Distinct records they name. */
  readonly records: number;
  /** Records copied (written or deleted) into the store that missed them. */
  readonly repaired: number;
  /** Records that could not be repaired (back in the log). */
  readonly failed: ReadonlyArray<{ readonly collection: string; readonly key: unknown; readonly store: string; readonly error: string }>;
}

export async function repairFailedWrites(options: RepairOptions): Promise<RepairOutcome> {
  const collections = checkedJsonMapping(options.collections);
  const { entries, taken } = takeFailedWrites(options.failedWritesLog);
  const latest = new Map<string, FailedWrite>();
  for (const entry of entries) latest.set(`${entry.store}\n${entry.collection}\n${JSON.stringify(entry.key)}`, entry);
  const json = mappedJsonStore(options.directory, collections);
  const postgres = new PostgresRecordStore({ url: options.postgres.url, collections, ...(options.postgres.connectTimeoutSeconds ? { connectTimeoutSeconds: options.postgres.connectTimeoutSeconds } : {}), ...(options.postgres.env ? { env: options.postgres.env } : {}) });
  const tables = postgres.database.records;
  const failed: Array<{ collection: string; key: unknown; store: string; error: string }> = [];
  let repaired = 0;
  try {
    for (const entry of latest.values()) {
      const mapping = collections[entry.collection];
      try {
        if (!mapping) throw new PgferryError('DUAL_WRITE_CONFIG', `the mapping has no collection ${entry.collection}`, { hint: 'Repair with the plan the application used.' });
        const key = storedRecord({ [mapping.key[0]!]: entry.key });
        if (entry.store === 'postgres') {
          await tables.syncRecord(
            entry.collection,
            key,
            () => json.getStored(entry.collection, entry.key),
            (record: JsonObject) => postgres.rowsOf(entry.collection, record, 'Fix the record in the JSON file, then repair again.'),
          );
        } else {
          await tables.withRecordLock(entry.collection, tables.keyOf(entry.collection, key), async (read) => {
            const [found] = await read(key);
            if (found) await json.put(entry.collection, found.record as JsonRecord);
            else await json.delete(entry.collection, entry.key);
          });
        }
        repaired += 1;
      } catch (error) {
        const message = (error as Error).message;
        failed.push({ collection: entry.collection, key: entry.key, store: entry.store, error: message });
        appendFailedWrite(options.failedWritesLog, { ...entry, at: new Date().toISOString(), error: { ...((error as { code?: unknown }).code ? { code: String((error as { code?: unknown }).code) } : {}), message } });
      }
    }
    rmSync(taken, { force: true });
  } finally {
    await postgres.close();
  }
  return { entries: entries.length, records: latest.size, repaired, failed };
}
