/**
 * Writes pgferry's portable archive of a source: every table's rows from one snapshot (so the archive is
 * consistent) as compressed COPY text, then the sequences' values, then the schema as SQL planned by migrate's
 * own planners, and restore.sql for psql. The manifest is the caller's (writeManifest); this returns its parts.
 */
import type { SourceEndpoint, SourceReader, TableRows } from '../endpoints/endpoint.js';
import { createArchiveWriter } from '../endpoints/archive/archive-directory.js';
import type { ArchivedTable, PortableArchiveWriter } from '../endpoints/portable-archive.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { BackupFile } from '../model/backup-manifest.js';
import { emitter, type EventListener } from '../model/events.js';
import { tablesOf, type QualifiedName, type SchemaModel } from '../model/schema-model.js';
import { planArchiveSchema } from './archive-schema-plan.js';

export interface PortableArchiveOptions {
  /** How long a read waits for another session's lock on a table before failing (TABLE_LOCKED). */
  readonly lockWaitMs: number;
  /** The source's data size, if known, so progress events can show a share and an ETA. */
  readonly expectedBytes?: number;
  readonly onEvent?: EventListener;
}

export interface PortableArchiveResult {
  /** Every file written, with its size and sha256: the manifest's `files`. */
  readonly files: BackupFile[];
  /** Rows per table ("schema.table") in the archive's snapshot. */
  readonly tables: Array<{ readonly table: string; readonly rows: number }>;
  /** What the archive does not carry, or carries differently, said once each. */
  readonly notes: string[];
}

const phase = 'backup';

/** Tables whose rows are their own (a partitioned table's are in its partitions). */
function tablesWithRows(model: SchemaModel): QualifiedName[] {
  return tablesOf(model)
    .filter((t) => t.partitionKey === null)
    .map((t) => ({ schema: t.schema, name: t.name }));
}

function backupFailed(table: string, error: unknown, rows: TableRows | undefined): PgferryError {
  const diskError = typeof error === 'object' && error !== null && 'syscall' in error;
  if (!diskError && error instanceof PgferryError) return error;
  const cause = !diskError && rows ? rows.failure(error) : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new PgferryError('BACKUP_FAILED', `backing up ${table} failed${diskError ? ' writing its data file' : ''}: ${message}`, {
    hint: diskError
      ? 'Free space in the backup directory (or choose another), then run the backup again; nothing on the source was changed.'
      : 'Fix the cause on the source, then run the backup again; nothing on the source was changed.',
    cause,
    ...(cause instanceof PgferryError && cause.server ? { server: cause.server } : {}),
  });
}

/** Writes every table's rows, one after another, from one reader of the snapshot. */
async function writeTables(
  tables: readonly QualifiedName[],
  reader: SourceReader,
  writer: PortableArchiveWriter,
  options: PortableArchiveOptions,
): Promise<Array<{ table: ArchivedTable; file: BackupFile }>> {
  const emit = emitter(options.onEvent);
  const written: Array<{ table: ArchivedTable; file: BackupFile }> = [];
  const started = Date.now();
  let doneBytes = 0;
  for (const table of tables) {
    const id = `${table.schema}.${table.name}`;
    const step = `backup:${id}`;
    const stepStarted = Date.now();
    emit({ type: 'step:start', phase, step });
    let rows: TableRows | undefined;
    try {
      rows = await reader.readRows(table, undefined, {
        binary: false,
        lockWaitMs: options.lockWaitMs,
        onLockWait: (message) => emit({ type: 'warning', code: 'TABLE_LOCK_WAIT', message }),
      });
      const progress = (bytes: number) =>
        emit({ type: 'copy:progress', table: id, bytes: doneBytes + bytes, totalBytes: Math.max(options.expectedBytes ?? 0, doneBytes + bytes), ms: Date.now() - started });
      const result = await writer.writeTable(table, rows, progress);
      await reader.endRead();
      doneBytes += result.file.bytes;
      written.push(result);
      emit({ type: 'step:done', phase, step, ms: Date.now() - stepStarted, rows: result.table.rows, bytes: result.file.bytes });
    } catch (error) {
      rows?.cancel();
      throw backupFailed(id, error, rows);
    }
  }
  return written;
}

/** Large objects are not in the archive yet: named in the notes when the source has any. */
async function largeObjectNote(source: SourceEndpoint, snapshot: { largeObjectSizes(): Promise<Array<{ bytes: number }>> }): Promise<string[]> {
  if (!source.capabilities.largeObjects) return [];
  const sizes = await snapshot.largeObjectSizes();
  if (sizes.length === 0) return [];
  const bytes = sizes.reduce((n, o) => n + o.bytes, 0);
  return [`not carried: ${sizes.length} large object(s) (${bytes} bytes) and their owners, grants and comments; the oid columns that name them are restored as they are`];
}

/**
 * Writes the portable archive of `source` into `dir` (created if missing; files of an earlier archive there are
 * overwritten). Reads only from the source.
 *
 * @example
 * const archive = await writePortableArchive(source, '/backups/2024-05-01', { lockWaitMs: 60_000 });
 * await writeManifest(dir, { formatVersion: 1, kind: 'portable', files: archive.files, tables: archive.tables, notes: archive.notes, … });
 */
export async function writePortableArchive(source: SourceEndpoint, dir: string, options: PortableArchiveOptions): Promise<PortableArchiveResult> {
  const model = await source.readSchema();
  const writer = await createArchiveWriter(dir, source.display);
  const snapshot = await source.openSnapshot();
  let written: Array<{ table: ArchivedTable; file: BackupFile }>;
  const notes: string[] = [];
  try {
    const reader = await source.openReader(snapshot.id);
    try {
      written = await writeTables(tablesWithRows(model), reader, writer, options);
    } finally {
      await reader.close();
    }
    notes.push(...(await largeObjectNote(source, snapshot)));
  } finally {
    await snapshot.release();
  }
  // Read after the rows: a sequence is never behind a value the archived rows hold.
  const schema = planArchiveSchema(model, await source.readSequenceValues());
  const schemaFiles = await writer.finish(
    schema.sections,
    written.map((w) => w.table),
  );
  return {
    files: [...written.map((w) => w.file), ...schemaFiles],
    tables: written.map((w) => ({ table: `${w.table.schema}.${w.table.name}`, rows: w.table.rows })),
    notes: [...schema.notes, ...notes],
  };
}
