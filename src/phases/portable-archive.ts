/**
 * Writes pgferry's portable archive of a source: every table's rows and the large objects from one snapshot (so the
 * archive is consistent) as compressed COPY text, then the sequences' values, then the schema as SQL planned by
 * migrate's own planners, and restore.sql for psql. The manifest is the caller's (writeManifest); this returns its parts.
 */
import type { SourceEndpoint, SourceReader, SourceSnapshot, TableRows } from '../endpoints/endpoint.js';
import type { ArchivedLargeObjects, ArchivedTable, PortableArchiveStore, PortableArchiveWriter } from '../endpoints/portable-archive.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { BackupFile, ManifestTable } from '../model/backup-manifest.js';
import { emitter, type EventListener } from '../model/events.js';
import { objectsPerRange, planLargeObjectRanges, type LargeObjectMetadata } from '../model/large-objects.js';
import { tablesOf, type QualifiedName, type SchemaModel } from '../model/schema-model.js';
import { planArchiveSchema } from './archive-schema-plan.js';

export interface PortableArchiveOptions {
  /** The archive's directory format (the archive adapter's portableArchives). */
  readonly archives: PortableArchiveStore;
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
  readonly tables: ManifestTable[];
  /** The large objects carried, in the same snapshot; absent when the source has none. */
  readonly largeObjects?: { readonly count: number; readonly bytes: number };
  /** What the archive does not carry, or carries differently, said once each. */
  readonly notes: string[];
}

const phase = 'backup';

/** Large objects' data per file, uncompressed: psql restores a file through a temporary table of this size. */
const largeObjectBytesPerFile = 256 * 1024 * 1024;

/** Tables whose rows are their own (a partitioned table's are in its partitions). */
function tablesWithRows(model: SchemaModel): QualifiedName[] {
  return tablesOf(model)
    .filter((t) => t.partitionKey === null)
    .map((t) => ({ schema: t.schema, name: t.name }));
}

/** A failure of the local file system (ENOSPC, EACCES) rather than of the source. */
function isDiskError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'syscall' in error;
}

function backupFailed(table: string, error: unknown, rows: TableRows | undefined): PgferryError {
  const diskError = isDiskError(error);
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

/** How many times a table's read is started again on a new session when the source connection is lost. */
const sourceRetries = 3;

/** One reader of the snapshot, replaced by a new one when its connection is lost (a terminated backend, a network cut). */
interface SnapshotReader {
  current(): SourceReader;
  /** Runs `read` with the current reader; when the connection is lost, opens a new reader and reads again. */
  retrying<T>(read: (reader: SourceReader) => Promise<T>, onRetry: (error: Error, attempt: number) => void): Promise<T>;
  close(): Promise<void>;
}

async function snapshotReader(source: SourceEndpoint, snapshotId: string): Promise<SnapshotReader> {
  let reader = await source.openReader(snapshotId);
  return {
    current: () => reader,
    retrying: async (read, onRetry) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await read(reader);
        } catch (error) {
          if (attempt > sourceRetries || !source.lostConnection(error)) throw error;
          onRetry(error as Error, attempt);
          await reader.close();
          reader = await source.openReader(snapshotId);
        }
      }
    },
    close: () => reader.close(),
  };
}

/** Writes every table's rows, one after another, from one reader of the snapshot (a new one after a lost connection). */
async function writeTables(
  tables: readonly QualifiedName[],
  readers: SnapshotReader,
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
      const onRetry = (error: Error, attempt: number) =>
        emit({ type: 'warning', code: 'SOURCE_RETRY', message: `source connection lost while backing up ${id} (${error.message}); attempt ${attempt + 1} of ${sourceRetries + 1}` });
      const result = await readers.retrying(async (reader) => {
        rows = await reader.readRows(table, undefined, {
          binary: false,
          lockWaitMs: options.lockWaitMs,
          onLockWait: (message) => emit({ type: 'warning', code: 'TABLE_LOCK_WAIT', message }),
        });
        const progress = (bytes: number) =>
          emit({ type: 'copy:progress', table: id, bytes: doneBytes + bytes, totalBytes: Math.max(options.expectedBytes ?? 0, doneBytes + bytes), ms: Date.now() - started });
        try {
          const tableWritten = await writer.writeTable(table, rows, progress);
          await reader.endRead();
          return tableWritten;
        } catch (error) {
          // The source's own account of a failed read says whether its connection was lost (so a new reader may retry).
          throw isDiskError(error) ? error : rows.failure(error);
        }
      }, onRetry);
      doneBytes += result.file.bytes;
      written.push(result);
      emit({ type: 'step:done', phase, step, ms: Date.now() - stepStarted, rows: result.table.rows, bytes: result.file.bytes });
    } catch (error) {
      (rows as TableRows | undefined)?.cancel();
      throw backupFailed(id, error, rows);
    }
  }
  return written;
}

interface WrittenLargeObjects {
  readonly written: Array<{ largeObjects: ArchivedLargeObjects; file: BackupFile }>;
  readonly metadata: LargeObjectMetadata[];
}

/** Writes the large objects of the snapshot, a file per OID range, and reads their owners, grants and comments in it. */
async function writeLargeObjects(snapshot: SourceSnapshot, reader: SourceReader, writer: PortableArchiveWriter, options: PortableArchiveOptions): Promise<WrittenLargeObjects> {
  const emit = emitter(options.onEvent);
  const ranges = planLargeObjectRanges(await snapshot.largeObjectSizes(), largeObjectBytesPerFile, objectsPerRange);
  const written: WrittenLargeObjects['written'] = [];
  for (const range of ranges) {
    const step = `backup:${range.id}`;
    const started = Date.now();
    emit({ type: 'step:start', phase, step });
    try {
      const progress = (bytes: number) => emit({ type: 'copy:progress', table: 'large objects', bytes, totalBytes: Math.max(range.bytes, bytes), ms: Date.now() - started });
      const result = await writer.writeLargeObjects(range, reader.readLargeObjects(range), progress);
      await reader.endRead();
      written.push(result);
      emit({ type: 'step:done', phase, step, ms: Date.now() - started, rows: result.largeObjects.objects, bytes: result.file.bytes });
    } catch (error) {
      throw backupFailed(`large objects ${range.from ?? 0}…${range.to ?? 'end'}`, error, undefined);
    }
  }
  return { written, metadata: ranges.length > 0 ? await snapshot.largeObjectMetadata() : [] };
}

/**
 * Writes the portable archive of `source` into `dir` (created if missing; files of an earlier archive there are
 * overwritten). Reads only from the source.
 *
 * @example
 * const archive = await writePortableArchive(source, '/backups/2024-05-01', { archives: portableArchives, lockWaitMs: 60_000 });
 * await writeManifest(dir, { formatVersion: 1, kind: 'portable', files: archive.files, tables: archive.tables, notes: archive.notes, … });
 */
export async function writePortableArchive(source: SourceEndpoint, dir: string, options: PortableArchiveOptions): Promise<PortableArchiveResult> {
  const model = await source.readSchema();
  const writer = await options.archives.createWriter(dir, source.display);
  const snapshot = await source.openSnapshot();
  let written: Array<{ table: ArchivedTable; file: BackupFile }>;
  let largeObjects: WrittenLargeObjects = { written: [], metadata: [] };
  try {
    const readers = await snapshotReader(source, snapshot.id);
    try {
      written = await writeTables(tablesWithRows(model), readers, writer, options);
      if (source.capabilities.largeObjects) largeObjects = await writeLargeObjects(snapshot, readers.current(), writer, options);
    } finally {
      await readers.close();
    }
  } finally {
    await snapshot.release();
  }
  // Read after the rows: a sequence is never behind a value the archived rows hold.
  const schema = planArchiveSchema(model, await source.readSequenceValues(), largeObjects.metadata);
  const schemaFiles = await writer.finish(
    schema.sections,
    written.map((w) => w.table),
    largeObjects.written.map((w) => w.largeObjects),
  );
  const carried = largeObjects.written.map((w) => w.largeObjects);
  return {
    files: [...written.map((w) => w.file), ...largeObjects.written.map((w) => w.file), ...schemaFiles],
    tables: written.map((w) => ({ table: `${w.table.schema}.${w.table.name}`, schema: w.table.schema, name: w.table.name, rows: w.table.rows })),
    ...(carried.length > 0 ? { largeObjects: { count: carried.reduce((n, f) => n + f.objects, 0), bytes: carried.reduce((n, f) => n + f.bytes, 0) } } : {}),
    notes: schema.notes,
  };
}
