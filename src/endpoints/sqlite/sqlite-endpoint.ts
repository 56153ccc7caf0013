/**
 * A SQLite file as a source. The file is opened read-only once, with one read transaction held until the endpoint
 * closes: the schema, the copy, the backup and verify all read one snapshot of it, while in WAL mode the
 * application may go on writing, unseen.
 */
import { createHash } from 'node:crypto';
import type { DatabaseFingerprint } from '../../model/database-fingerprint.js';
import type { SourceInventory } from '../../model/inventory.js';
import type { SchemaModel } from '../../model/schema-model.js';
import type {
  EndpointCapabilities,
  NativeDump,
  SequenceValue,
  SetAside,
  SourceEndpoint,
  SourceReader,
  SourceSnapshot,
  TableRows,
  VerifyReader,
  WriteFence,
} from '../endpoint.js';
import { PgferryError } from '../../errors/pgferry-error.js';
import { asPostgresStatesIt } from '../../model/sqlite/as-postgres-states-it.js';
import { openSqliteSnapshot, type SqliteSnapshot } from './open-sqlite.js';
import { readSqliteSchema, type SqliteSchemaOptions } from './read-sqlite-schema.js';
import { defaultSqliteSourceOptions, type SqliteSourceOptions } from '../../model/sqlite/sqlite-source-options.js';
import type { CastRule } from '../../model/sqlite/type-mapping.js';
import type { SqliteSchemaReport } from '../../model/sqlite/sqlite-schema-report.js';
import { widenedColumns } from './widen-columns.js';
import { localSetAside, threadSetAside, type SetAsideSource } from './set-aside-source.js';
import type { RelationalVerdicts } from './sqlite-row-pages.js';
import { snapshotCopy, type SnapshotCopy } from './snapshot-copy.js';
import { threadedCopy, type ThreadedCopy } from './threaded-copy.js';

/** A table this big or bigger is read by a thread of its own; a smaller one is not worth a thread's start. */
const threadRows = 20_000;
import { sqliteBackup } from './sqlite-backup.js';
import { countSqliteRows, readSqliteInventory } from './sqlite-inventory.js';
import { convertedRows } from './sqlite-row-pages.js';
import { readSqliteSequenceValues } from './sqlite-sequences.js';
import { sqliteSourceTables, type SqliteSourceTable } from './sqlite-source-tables.js';
import { sqliteVerifyReader } from './sqlite-verify-reader.js';

interface Opened {
  readonly snapshot: SqliteSnapshot;
  readonly model: SchemaModel;
  readonly report: SqliteSchemaReport;
  readonly tables: readonly SqliteSourceTable[];
}

function schemaOptions(options: SqliteSourceOptions, widened: readonly CastRule[]): SqliteSchemaOptions {
  const planned = options.columns.flatMap((c) => (c.type ? [{ table: c.table, column: c.column, type: c.type }] : []));
  return { schema: 'public', owner: '', identifiers: options.identifiers, types: { integer: options.integer, timestamp: options.timestamp, casts: [...widened, ...planned] } };
}

/** The schema as the options map it; with the value policy widen, read twice: the second time with the widened types. */
function readMappedSchema(snapshot: SqliteSnapshot, options: SqliteSourceOptions): Omit<Opened, 'snapshot'> {
  const read = (widened: readonly CastRule[]) => {
    const { model, report, tables } = readSqliteSchema(snapshot.db, schemaOptions(options, widened));
    return { model: asPostgresStatesIt(model), report, tables: sqliteSourceTables(tables, options, model.constraints) };
  };
  const first = read([]);
  const widened = widenedColumns(snapshot.db, first.tables);
  return widened.length === 0 ? first : read(widened);
}

export class SqliteEndpoint implements SourceEndpoint {
  readonly kind = 'sqlite';
  readonly capabilities: EndpointCapabilities = {
    sharedSnapshot: true,
    binaryCopy: false,
    roles: false,
    chunkKeys: false,
    serverDigests: false,
    changeCapture: false,
    largeObjects: false,
  };
  readonly display: string;
  readonly identity: string;
  private opened: Opened | undefined;
  /** The file copy threads read (see fileForThreads), once asked for. */
  private threadFile: Promise<SnapshotCopy | null> | undefined;
  /** What the value policy sets aside, worked out by a thread when there is a file threads can read. */
  private setAsideSource: Promise<SetAsideSource> | undefined;

  /** `path`: the file's absolute path. */
  constructor(
    private readonly path: string,
    private readonly options: SqliteSourceOptions = defaultSqliteSourceOptions,
    /** How long to wait while an application holds the file's write lock. */
    private readonly busyMs = 60_000,
  ) {
    this.display = `sqlite://${path}`;
    this.identity = `sqlite:${path}`;
  }

  /** Opened at the first read, so a command that fails before reading never touches the file. */
  private open(): Opened {
    if (!this.opened) {
      const snapshot = openSqliteSnapshot(this.path, this.busyMs);
      try {
        this.opened = { snapshot, ...readMappedSchema(snapshot, this.options) };
      } catch (error) {
        snapshot.close();
        throw error;
      }
    }
    return this.opened;
  }

  private table(name: { schema: string; name: string }): SqliteSourceTable {
    const found = this.open().tables.find((t) => t.schema === name.schema && t.name === name.name);
    if (!found) throw new PgferryError('INTERNAL', `the SQLite source has no table ${name.schema}.${name.name}`, { hint: 'Report this as a bug.' });
    return found;
  }

  /** A file is not a server: its fingerprint's database is the path, which no PostgreSQL database OID can equal. */
  async fingerprint(): Promise<DatabaseFingerprint> {
    this.open();
    return { cluster: `sqlite:${createHash('sha256').update(this.path).digest('hex').slice(0, 16)}`, instance: this.identity, standby: false, database: this.identity };
  }

  async columnCollationVersions(): Promise<[]> {
    return [];
  }

  async inventorySource(): Promise<SourceInventory> {
    const { snapshot, model, report, tables } = this.open();
    return readSqliteInventory(snapshot.db, this.path, model, tables, report);
  }

  async readSchema(): Promise<SchemaModel> {
    return this.open().model;
  }

  /** The one read transaction is the snapshot: releasing it ends nothing (close does). */
  async openSnapshot(): Promise<SourceSnapshot> {
    const { snapshot, tables } = this.open();
    return {
      id: 'sqlite',
      chunkKey: async () => null,
      changeCounters: async () => Object.fromEntries(tables.map((t) => [`${t.schema}.${t.name}`, String(countSqliteRows(snapshot.db, t))])),
      largeObjectSizes: async () => [],
      largeObjectMetadata: async () => [],
      release: async () => undefined,
    };
  }

  async openReader(): Promise<SourceReader> {
    const { snapshot } = this.open();
    return {
      readRows: async (name, _range, options) => {
        const table = this.table(name);
        // Which rows the foreign keys leave out or change is known before the first row is read.
        const verdicts = await (await this.setAside()).relational(table);
        return this.readRows(table, options.setAside, verdicts, await this.fileForThreads());
      },
      readLargeObjects: async function* () {},
      countRows: async (name) => countSqliteRows(snapshot.db, this.table(name)),
      endRead: async () => undefined,
      close: async () => undefined,
    };
  }

  private setAside(): Promise<SetAsideSource> {
    this.setAsideSource ??= this.fileForThreads().then((copy) => {
      const { snapshot, tables } = this.open();
      return copy ? threadSetAside({ file: copy.file, busyMs: this.busyMs, tables }) : localSetAside(snapshot.db, tables);
    });
    return this.setAsideSource;
  }

  /** A file threads can read and see the snapshot (snapshot-copy.ts); null: read on the main thread. */
  private fileForThreads(): Promise<SnapshotCopy | null> {
    this.threadFile ??= snapshotCopy(this.open().snapshot.db);
    return this.threadFile;
  }

  /**
   * Without `setAside` (a caller with no reject file), a value the policy would set aside fails the table. A table of
   * `threadRows` rows or more, when `threadFile` is given, is read by a worker thread (its COPY text piped through).
   */
  private readRows(table: SqliteSourceTable, setAside: ((entry: SetAside) => Promise<void>) | undefined, verdicts: RelationalVerdicts, threadFile: { file: string } | null): TableRows {
    const columns = table.columns.filter((c) => !c.generated).map((c) => (setAside ? c : { ...c, policy: 'fail' as const }));
    let read = 0;
    const counts = { rows: 0, values: 0 };
    let cancelled = false;
    const db = this.open().snapshot.db;
    const relational = setAside ? verdicts : new Map([...verdicts].map(([name, v]) => [name, { ...v, policy: 'fail' as const }]));
    const keep = async (entry: SetAside) => {
      if (entry.action === 'rejected') counts.rows += 1;
      else counts.values += 1;
      await setAside?.(entry);
    };
    let threaded: ThreadedCopy | undefined;
    const busyMs = this.busyMs;
    const threads = threadFile && countSqliteRows(db, table) >= threadRows;
    const copyData = threads
      ? {
          copyData: {
            format: 'text' as const,
            get stream() {
              threaded ??= threadedCopy({ file: threadFile.file, busyMs, table, columns, relational }, keep);
              return threaded.stream;
            },
          },
        }
      : {};
    return {
      columns: columns.map((c) => c.name),
      ...copyData,
      rows: async function* () {
        for await (const row of convertedRows(db, table, columns, keep, relational)) {
          if (cancelled) return;
          read += 1;
          yield row;
        }
      },
      rowsRead: () => threaded?.rowsRead() ?? read,
      setAside: () => ({ ...counts }),
      failure: (error) => (error instanceof Error ? error : new Error(String(error))),
      cancel: () => {
        cancelled = true;
        threaded?.stop();
      },
    };
  }

  async readSequenceValues(): Promise<SequenceValue[]> {
    const { snapshot, tables } = this.open();
    return readSqliteSequenceValues(snapshot.db, tables);
  }

  lostConnection(): boolean {
    return false;
  }

  async readLargeObjectMetadata(): Promise<[]> {
    return [];
  }

  /** A SQLite file has no sessions pgferry can end: the application is fenced by a hook (scale it to zero). */
  async fenceWrites(): Promise<WriteFence> {
    throw new PgferryError('NOT_AVAILABLE', `${this.display}: a SQLite source cannot be made read-only by pgferry`, {
      hint: 'Fence it with a hook that stops the application: cutover: { fence: { run: "…" } }.',
    });
  }

  async liftWriteFence(): Promise<void> {
    await this.fenceWrites();
  }

  /** SQLite's online backup API: always there, so a SQLite source is always backed up this way. */
  async findNativeDump(): Promise<NativeDump | null> {
    return sqliteBackup(this.open().snapshot.db);
  }

  async openVerifyReader(): Promise<VerifyReader> {
    const { snapshot, tables } = this.open();
    return sqliteVerifyReader(snapshot.db, tables, await this.setAside());
  }

  async close(): Promise<void> {
    await (await this.setAsideSource?.catch(() => undefined))?.close();
    this.setAsideSource = undefined;
    const copy = await this.threadFile?.catch(() => null);
    copy?.remove();
    this.threadFile = undefined;
    this.opened?.snapshot.close();
    this.opened = undefined;
  }
}
