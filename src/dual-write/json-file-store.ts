/**
 * The JSON side of the dual-write library: a collection API (get, list, insert, update, delete) over a directory of
 * collection files (`users.json`, an array of objects), the shape pgferry's JSON source reads. Every change rewrites
 * its file atomically (a temporary file, fsync, rename, fsync of the directory), and the changes to one file are
 * made one after another, so concurrent requests never corrupt the file or lose each other's writes. Records the
 * change does not touch are written back exactly as they were read (numbers as written, key order).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PgferryError } from '../errors/pgferry-error.js';
import { recordsOfArray } from '../endpoints/json/json-collections.js';
import { writeCollectionFile } from '../endpoints/json/collection-file-writer.js';
import { withFileLock } from './file-lock.js';
import { KeyedQueue } from './keyed-queue.js';
import { keyTaken, requireKey } from './record-key-errors.js';
import { jsonTextOf as jsonText, parseJsonText, plainJson, type JsonValue } from '../model/json/json-text.js';

/** A record as the application sees it: plain JSON values. */
export type JsonRecord = { [key: string]: unknown };

type StoredRecord = { [key: string]: JsonValue };

export interface JsonFileStoreOptions {
  readonly directory: string;
  /** The field that identifies a record: one for every collection (default `id`), or per collection. */
  readonly key?: string | ((collection: string) => string);
  /** A collection's file relative to the directory (default `<collection>.json`). */
  readonly file?: (collection: string) => string;
  /** The text two keys are matched by (default their JSON text; the dual-write store matches a UUID in any case). */
  readonly keyText?: (collection: string, value: unknown) => string;
}

export class JsonFileStore {
  /** Each file's changes, one after another. */
  private readonly queue = new KeyedQueue();

  constructor(private readonly options: JsonFileStoreOptions) {}

  private keyOf(collection: string): string {
    const key = this.options.key ?? 'id';
    return typeof key === 'string' ? key : key(collection);
  }

  private file(collection: string): string {
    if (this.options.file) return join(this.options.directory, this.options.file(collection));
    if (!/^[A-Za-z0-9_.-]+$/.test(collection) || collection.startsWith('.')) {
      throw new PgferryError('JSON_READ_FAILED', `"${collection}" is not a collection name`, { hint: 'Use the collection file\'s name without .json (letters, digits, _ . -).' });
    }
    return join(this.options.directory, `${collection}.json`);
  }

  /**
   * The file's records; none when the file does not exist yet. One it cannot read (JSON_INVALID) stops the change,
   * so it is never written over; a directory that is not there (a volume not mounted) is JSON_READ_FAILED, not an
   * empty collection.
   */
  private read(collection: string): StoredRecord[] {
    const file = this.file(collection);
    if (existsSync(file)) return recordsOfArray(file, readFileSync(file, 'utf8'));
    if (!existsSync(dirname(file))) {
      throw new PgferryError('JSON_READ_FAILED', `the directory of ${file} does not exist`, { hint: 'Check that the data directory is there (mounted) and named right in the store\'s settings.' });
    }
    return [];
  }

  private write(collection: string, records: readonly unknown[]): void {
    writeCollectionFile(this.file(collection), records);
  }

  /**
   * Runs `change` after every change to the same collection queued before it, holding the file's lock, which other
   * processes writing the file (a repair) take too.
   */
  private serialized<T>(collection: string, change: () => T, writes = true): Promise<T> {
    // A read needs no lock: a file is replaced by a rename, whole.
    return this.queue.run(collection, writes ? () => withFileLock(this.file(collection), change) : change);
  }

  private indexOf(collection: string, records: readonly StoredRecord[], id: unknown): number {
    const text = (value: unknown) => (this.options.keyText ? this.options.keyText(collection, value) : jsonText(value));
    const wanted = text(id);
    const key = this.keyOf(collection);
    return records.findIndex((r) => Object.hasOwn(r, key) && text(r[key]) === wanted);
  }

  async get(collection: string, id: unknown): Promise<JsonRecord | undefined> {
    const stored = await this.getStored(collection, id);
    return stored && (plainJson(stored) as JsonRecord);
  }

  /** get, the record as the file has it: numbers with their text (what a repair copies to PostgreSQL). */
  async getStored(collection: string, id: unknown): Promise<StoredRecord | undefined> {
    return this.serialized(collection, () => {
      const records = this.read(collection);
      const at = this.indexOf(collection, records, id);
      return at < 0 ? undefined : records[at];
    }, false);
  }

  async list(collection: string): Promise<JsonRecord[]> {
    return this.serialized(collection, () => this.read(collection).map((r) => plainJson(r) as JsonRecord), false);
  }

  /** Adds a record; one whose key is taken is refused (JSON_KEY_TAKEN), the file unchanged. */
  async insert(collection: string, record: JsonRecord): Promise<JsonRecord> {
    return this.serialized(collection, () => {
      const key = this.keyOf(collection);
      const id = requireKey(collection, key, record);
      const records: unknown[] = this.read(collection);
      if (this.indexOf(collection, records as StoredRecord[], id) >= 0) throw keyTaken(collection, key, id);
      records.push(record);
      this.write(collection, records);
      return record;
    });
  }

  /** Sets the fields of `changes` on the record (the key stays); resolves to the record, or undefined when there is none. */
  async update(collection: string, id: unknown, changes: JsonRecord): Promise<JsonRecord | undefined> {
    const updated = await this.change(collection, id, changes);
    return updated && (plainJson(updated) as JsonRecord);
  }

  /**
   * update, resolving to the record as written, numbers with their text (an id past 2^53 and 0.10 as they are in the
   * file): what the dual-write store hands the other store.
   */
  async change(collection: string, id: unknown, changes: JsonRecord): Promise<StoredRecord | undefined> {
    return this.serialized(collection, () => {
      const records: unknown[] = this.read(collection);
      const at = this.indexOf(collection, records as StoredRecord[], id);
      if (at < 0) return undefined;
      const key = this.keyOf(collection);
      const updated = { ...(records[at] as StoredRecord), ...changes, [key]: (records[at] as StoredRecord)[key] };
      records[at] = updated;
      this.write(collection, records);
      return parseJsonText(jsonText(updated)) as StoredRecord;
    });
  }

  /** Writes the record whole: replaces the one with its key (in its place), or adds it at the end. */
  async put(collection: string, record: JsonRecord): Promise<void> {
    return this.serialized(collection, () => {
      const records: unknown[] = this.read(collection);
      const at = this.indexOf(collection, records as StoredRecord[], record[this.keyOf(collection)]);
      if (at < 0) records.push(record);
      else records[at] = record;
      this.write(collection, records);
    });
  }

  /** Removes the record; resolves to whether there was one. */
  async delete(collection: string, id: unknown): Promise<boolean> {
    return this.serialized(collection, () => {
      const records: unknown[] = this.read(collection);
      const at = this.indexOf(collection, records as StoredRecord[], id);
      if (at < 0) return false;
      records.splice(at, 1);
      this.write(collection, records);
      return true;
    });
  }
}
