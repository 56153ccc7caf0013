/**
 * JSON export: every mapped collection read back from PostgreSQL in its original shape (nested arrays re-assembled
 * in position order, the fields kept in extra restored, absent fields left absent), all in one snapshot, and written
 * to its file in the target directory atomically, one collection at a time.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeCollectionFile } from '../endpoints/json/collection-file-writer.js';
import type { JsonTargetDatabase } from '../endpoints/postgres/json-target.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { EventListener } from '../model/events.js';
import type { JsonCollectionMapping } from '../model/json/infer-mapping.js';

export interface CollectionExport {
  readonly collection: string;
  readonly file: string;
  readonly records: number;
}

export interface JsonExportOptions {
  readonly directory: string;
  readonly collections: Readonly<Record<string, JsonCollectionMapping>>;
  /** Write over collection files that exist (the rollback of an application's own data directory). */
  readonly overwrite: boolean;
  readonly onEvent: EventListener;
}

export async function exportJson(database: JsonTargetDatabase, options: JsonExportOptions): Promise<CollectionExport[]> {
  const files = Object.values(options.collections).map((m) => join(options.directory, m.file));
  const present = files.filter((f) => existsSync(f));
  if (present.length > 0 && !options.overwrite) {
    throw new PgferryError('JSON_EXPORT_REFUSED', `${present.join(', ')} already exist${present.length === 1 ? 's' : ''}; export writes nothing over files unless asked`, {
      hint: 'Export into an empty directory, or give --overwrite to replace those files (each is replaced atomically: a crash leaves the old file or the new one).',
    });
  }
  // Every collection from one snapshot: a project never refers to a user the export does not have.
  return database.records.inOneSnapshot(async (read) => {
    const exported: CollectionExport[] = [];
    for (const [collection, mapping] of Object.entries(options.collections)) {
      const started = Date.now();
      options.onEvent({ type: 'step:start', phase: 'export', step: collection });
      const records = await read(collection);
      const file = join(options.directory, mapping.file);
      mkdirSync(dirname(file), { recursive: true });
      writeCollectionFile(file, records.map((r) => r.record));
      options.onEvent({ type: 'step:done', phase: 'export', step: collection, ms: Date.now() - started, rows: records.length });
      exported.push({ collection, file, records: records.length });
    }
    return exported;
  });
}
