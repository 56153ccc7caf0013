/**
 * The interfaces every endpoint kind (postgres now; sqlite, json, archive later) implements. Phases use only these
 * and the model: a phase never holds a driver's client.
 */
import type { BackupKind } from '../model/backup-manifest.js';
import type { ColumnCollationVersion } from '../model/collation-version.js';
import type { DatabaseFingerprint } from '../model/database-fingerprint.js';
import type { PgferryEvent } from '../model/events.js';
import type { AvailableExtension, SourceInventory, TableFacts, TargetInventory } from '../model/inventory.js';
import type { ChunkKey, KeyRange } from '../model/key-range.js';
import type { LargeObjectMetadata, LargeObjectPiece, LargeObjectSize, LargeObjectState, OidRange } from '../model/large-objects.js';
import type { Rehearsal } from '../model/rehearsal.js';
import type { QualifiedName, SchemaModel } from '../model/schema-model.js';
import type { Digest, DigestOptions, HashBuckets, KeyBounds, TableShape } from '../model/verify/table-shape.js';
import type { TableRows } from './table-rows.js';

export type { RejectSink, RowValues, SetAside, SetAsideCounts, TableRows } from './table-rows.js';

/** What an endpoint can do; phases branch on these flags, never on the kind's name. */
export interface EndpointCapabilities {
  /** Can export a snapshot that parallel readers share (pg_export_snapshot). */
  readonly sharedSnapshot: boolean;
  /** Speaks PostgreSQL's binary COPY format. */
  readonly binaryCopy: boolean;
  /** Has roles, owners and grants to inventory or apply. */
  readonly roles: boolean;
  /** Names an integer key a large table can be split on, so its copy and verification run in key ranges. */
  readonly chunkKeys: boolean;
  /** Computes row and chunk digests itself, so only digests cross the network; otherwise verify hashes rows as they arrive. */
  readonly serverDigests: boolean;
  /** Can stream the changes made after a snapshot (logical decoding): what online mode needs. */
  readonly changeCapture: boolean;
  /** Has large objects (blobs addressed by OID) to copy and compare. */
  readonly largeObjects: boolean;
}

export interface EndpointBase {
  /** "postgres", later "sqlite", "json", "archive". */
  readonly kind: string;
  /** Where it points, passwords masked. */
  readonly display: string;
  /** Names the database itself (not the route to it), so a run can refuse to copy a database onto itself. */
  readonly identity: string;
  readonly capabilities: EndpointCapabilities;
  /** Connects and asks the server who it is, so two routes to one database are caught before anything is written. */
  fingerprint(): Promise<DatabaseFingerprint>;
  /** The collations other than the default that columns use, with their versions on this server. */
  columnCollationVersions(): Promise<ColumnCollationVersion[]>;
  /** Opens a reader for verification (tables, counts, digests, rows, sequences); reads only. */
  openVerifyReader(): Promise<VerifyReader>;
  /** Closes every connection the endpoint opened. */
  close(): Promise<void>;
}

export interface InventoryOptions {
  /** Planner estimates instead of exact count(*) per table. */
  readonly estimateCounts: boolean;
  /** Sessions to count rows with in parallel. */
  readonly jobs: number;
  readonly onEvent?: (event: PgferryEvent) => void;
}

/** A sequence's exact state: the next nextval returns lastValue when isCalled is false, the one after it otherwise. */
export interface SequenceValue {
  readonly schema: string;
  readonly name: string;
  readonly lastValue: string;
  readonly isCalled: boolean;
}

export interface SourceEndpoint extends EndpointBase {
  /** Everything preflight reports about a source; reads only. */
  inventorySource(options: InventoryOptions): Promise<SourceInventory>;
  /** The whole schema as the neutral model; reads only. */
  readSchema(): Promise<SchemaModel>;
  /** Takes the consistent view of the source every copy reader shares, held until released. */
  openSnapshot(): Promise<SourceSnapshot>;
  /** A reader of the snapshot `snapshotId` (from openSnapshot), for one worker's copies, one after another. */
  openReader(snapshotId: string): Promise<SourceReader>;
  /** Every sequence's state now. */
  readSequenceValues(): Promise<SequenceValue[]>;
  /** Whether `error` (from this endpoint's reader) means the connection was lost, so a new reader may retry. */
  lostConnection(error: unknown): boolean;
  /** Owner, grants and comment of every large object (capabilities.largeObjects); reads only. */
  readLargeObjectMetadata(): Promise<LargeObjectMetadata[]>;
  /**
   * The source's own dump tool (pg_dump for PostgreSQL) installed on this machine that can read this server
   * (searched first in `binDir`); null when there is none (the portable archive is written instead).
   */
  findNativeDump(binDir: string | undefined): Promise<NativeDump | null>;
  /**
   * A cutover's read-only fence: new transactions on the source cannot write, and the sessions that could are ended
   * (NOT_AVAILABLE for a source without sessions, such as a SQLite file: fence it with a hook).
   */
  fenceWrites(): Promise<WriteFence>;
  /** Makes the source writable again (a rollback). */
  liftWriteFence(): Promise<void>;
}

/** What a cutover's read-only fence did. */
export interface WriteFence {
  /** Sessions on the database that were ended. */
  readonly sessionsEnded: number;
  /** Sessions the connecting user may not end (a superuser's), with their users: they could still write. */
  readonly sessionsLeft: ReadonlyArray<{ readonly pid: number; readonly user: string }>;
}

/** A dump tool that can read the source: what a native backup is written and checked with. */
export interface NativeDump {
  /** The backup kind the manifest names: pg_dump's archive, or a copy of a SQLite file. */
  readonly kind: Exclude<BackupKind, 'portable'>;
  /** The file in the backup directory the database is written to. */
  readonly fileName: string;
  /** Why a backup of this kind cannot be test-restored into a scratch database; absent when it can. */
  readonly notTestRestorable?: string;
  readonly tool: { readonly path: string; readonly version: string };
  /** Writes the database as it is in `snapshotId` (from openSnapshot) as the tool's archive (pg_dump -Fc). */
  dumpDatabase(file: string, snapshotId: string): Promise<void>;
  /** Writes the server's roles as SQL; a note says what was left out (passwords) or why nothing could be written. */
  dumpRoles(file: string): Promise<{ readonly written: boolean; readonly note?: string }>;
  /** How many entries the archive lists (pg_restore --list): it reads the archive's whole table of contents. */
  countEntries(file: string): Promise<number>;
}

/** A native archive to restore: the tool version that wrote it picks the restore tool (one of that major or newer). */
export interface NativeArchive {
  readonly file: string;
  readonly toolVersion: string;
}

export interface NativeRestoreOptions {
  readonly binDir: string | undefined;
  /** Owners and grants as the archive has them; false restores everything owned by the connecting user, without grants. */
  readonly privileges: boolean;
  readonly jobs: number;
}

/** A database of the target's server made for a check and dropped after it, with the roles made for it. */
export interface ScratchDatabase {
  readonly name: string;
  readonly endpoint: TargetEndpoint;
  /** Every role asked for exists on the server now (those missing were made, without login); false when the user may not make roles. */
  readonly rolesReady: boolean;
  /** Drops the database, ending any session still in it, then the roles made for it. */
  drop(): Promise<void>;
}

/** The snapshot a run copies from; kept open (the source keeps its rows) until released. */
export interface SourceSnapshot {
  readonly id: string;
  /** The key `table` can be split on and its range in this snapshot; null when it has none. */
  chunkKey(table: QualifiedName): Promise<ChunkKey | null>;
  /** "schema.name" → a text that changes whenever the table's rows may have (a resumed run compares them). */
  changeCounters(): Promise<Record<string, string>>;
  /** Every large object's OID and size in this snapshot (capabilities.largeObjects). */
  largeObjectSizes(): Promise<LargeObjectSize[]>;
  /** Owner, grants and comment of every large object in this snapshot (capabilities.largeObjects). */
  largeObjectMetadata(): Promise<LargeObjectMetadata[]>;
  release(): Promise<void>;
}

export interface ReadRowsOptions {
  /** Both ends speak PostgreSQL's binary COPY: the rows may travel in it (else as text). */
  readonly binary: boolean;
  /** How long to wait for another session's lock on the table. */
  readonly lockWaitMs: number;
  readonly onLockWait?: (message: string) => void;
  /** Where a source with a value policy puts what it keeps from the target (rows left out, values made NULL). */
  readonly setAside?: (entry: import('./table-rows.js').SetAside) => Promise<void>;
}

/**
 * One worker's read session on the source. Each read (readRows, readLargeObjects) starts a read transaction of its
 * own in the run's snapshot, ended by endRead: a reader never holds what it read of earlier tables (a lock per table
 * would fill the source's lock table when there are thousands).
 */
export interface SourceReader {
  /** The rows of `table` (or of one key range) as of the snapshot. One stream at a time per reader. */
  readRows(table: QualifiedName, range: KeyRange | undefined, options: ReadRowsOptions): Promise<TableRows>;
  /** The large objects of one OID range as of the snapshot, in batches of bounded size (a big one in pieces). */
  readLargeObjects(range: OidRange): AsyncIterable<LargeObjectPiece[]>;
  /** The table's exact row count as of the snapshot, in a read of its own (endRead ends it). */
  countRows(table: QualifiedName): Promise<number>;
  /** Ends the finished read's transaction, and with it the locks it took; the next read starts a new one. */
  endRead(): Promise<void>;
  close(): Promise<void>;
}

export interface TargetEndpoint extends EndpointBase {
  /** Everything preflight reports about a target, given the schemas the source will bring; reads only. */
  inventoryTarget(sourceSchemas: readonly string[]): Promise<TargetInventory>;
  /**
   * Takes the target's run lock, held until the endpoint closes, so that two runs never write into one database
   * at once; throws RUN_IN_PROGRESS when another run holds it. Writes nothing.
   */
  lockForRun(): Promise<void>;
  /**
   * Runs `statements` in a transaction that is always rolled back and reports each one the target refuses: what
   * migrate's schema steps would meet, learned without changing anything.
   */
  rehearse(statements: readonly string[]): Promise<Rehearsal>;
  /** The target's schema as the neutral model, for verification; reads only. */
  readSchema(): Promise<SchemaModel>;
  /**
   * Another server's model with every fragment the server deparses (view queries, defaults, generated columns,
   * checks, index definitions, policy expressions, trigger WHEN clauses) as this target deparses it, so equal
   * definitions compare equal across majors; changes nothing.
   */
  restateSchema(model: SchemaModel): Promise<SchemaModel>;
  /** A session tuned for loading rows, building indexes and applying schema (durable commits, no lock timeout). */
  openLoadSession(): Promise<TargetSession>;
  /**
   * A new empty database on the target's server (PERMISSION_DENIED when the user may not create databases), and
   * `roles` the server lacks made as roles without login, so owners, grants and policies restore as they are.
   */
  createScratchDatabase(prefix: string, roles: readonly string[]): Promise<ScratchDatabase>;
  /** Restores a native archive (pg_restore) into this database, which should be empty. */
  restoreNativeArchive(archive: NativeArchive, options: NativeRestoreOptions): Promise<void>;
}

/** What a step's effect looks like on the target, so a resumed run can ask whether an earlier attempt made it. */
export type TargetProbe =
  | { readonly kind: 'relation'; readonly schema: string; readonly name: string }
  | { readonly kind: 'constraint'; readonly table: QualifiedName; readonly name: string; readonly validated: boolean }
  | { readonly kind: 'index-attached'; readonly schema: string; readonly name: string }
  | { readonly kind: 'rows'; readonly table: QualifiedName };

export interface LoadTableRequest {
  readonly table: QualifiedName;
  /** Only rows whose key is in the range; the whole table when absent. */
  readonly range?: KeyRange;
  /** An earlier attempt may have committed this range: delete it first (a whole table is always emptied). */
  readonly redo: boolean;
  /** Both ends speak PostgreSQL's binary COPY (capabilities): ask the source for it. */
  readonly binary: boolean;
  readonly lockWaitMs: number;
  readonly onLockWait?: (message: string) => void;
  /** Called with the bytes moved so far, at most every half second. */
  readonly onProgress?: (bytes: number) => void;
  /** Rows the target refuses go here with the reason instead of failing the table; absent: a refusal fails it. */
  readonly rejects?: RejectSinkOpener;
  readonly signal?: AbortSignal;
}

/** Opens (emptied) the reject sink of one load, only when a row is refused. */
export type RejectSinkOpener = () => Promise<import('./table-rows.js').RejectSink>;

export interface LoadTableResult {
  /** Rows the target took (its own count). */
  readonly rows: number;
  /** Rows the source read (handed over, or left out by its value policy). */
  readonly rowsRead: number;
  /** Rows the target refused or the source's value policy left out, in the reject sink; rows + rejected = rowsRead. */
  readonly rejected: number;
  /** Values the source's value policy made NULL (the rows were loaded), in the reject sink. */
  readonly valuesNulled?: number;
  readonly bytes: number;
}

/** One session on the target. */
export interface TargetSession {
  readonly label: string;
  /**
   * Replaces the table's rows (or its key range's) with the rows `open` hands over, in one transaction, so a failed
   * load leaves the table as it was. `open` is called once, or again for a row-by-row pass when the target refused
   * a row and the request has a reject sink.
   */
  loadTable(open: (binary: boolean) => Promise<TableRows>, request: LoadTableRequest): Promise<LoadTableResult>;
  /**
   * Runs one statement the model rendered (DDL, ANALYZE, REFRESH, a grant) outside any transaction; a refusal throws
   * the server's own message with its fields.
   */
  execute(statement: string): Promise<void>;
  /**
   * Runs one statement the target may refuse without that stopping the run (a grant, an owner change, a role
   * attribute, a setting): resolves to why the target refused it (a GRANT or REVOKE it only warns about counts), or
   * null when it applied. Anything but the server's refusal (a lost connection) throws.
   */
  executeRefusable(statement: string): Promise<string | null>;
  /**
   * Runs statements in one round trip as one implicit transaction: all apply, or a refusal throws and none does. A
   * GRANT or REVOKE the target only warns about (it changed nothing) throws too, after the others applied.
   */
  executeAll(statements: readonly string[]): Promise<void>;
  /** The name of the database this session is connected to. */
  databaseName(): Promise<string>;
  /** Whether the effect a probe describes is on the target. */
  holds(probe: TargetProbe): Promise<boolean>;
  /**
   * Runs `work` in one transaction. `beforeCommit` hears the transaction's id just before COMMIT, so a run killed
   * between COMMIT and its journal entry can later ask transactionOutcome whether it committed.
   */
  inTransaction(work: (tx: TargetTransaction) => Promise<void>, beforeCommit?: (transactionId: string) => void): Promise<void>;
  /** What became of a transaction: null when the target no longer knows (too old, or not this database's). */
  transactionOutcome(transactionId: string): Promise<'committed' | 'aborted' | 'in progress' | null>;
  /**
   * Drops every user schema (and what it holds) and the server-level objects beside them an earlier run created
   * (event triggers, publications, foreign data, procedural languages; only those no extension brought and the
   * connecting user may drop), then recreates an empty public; returns the schemas dropped.
   */
  dropUserSchemas(): Promise<string[]>;
  /** Which of these roles exist. */
  existingRoles(names: readonly string[]): Promise<Set<string>>;
  /** Extensions the target offers now (after provision, which may have dropped some). */
  availableExtensions(): Promise<AvailableExtension[]>;
  setSequenceValues(values: readonly SequenceValue[]): Promise<void>;
  /**
   * Replaces the large objects of `range` with `batches`, keeping their OIDs, in one transaction (the session idle
   * before): objects of the range already there (an earlier attempt's) are removed first. Created owned by the
   * connecting user, without grants or comments (schema:post applies those).
   */
  writeLargeObjects(
    range: OidRange,
    batches: AsyncIterable<LargeObjectPiece[]>,
    onProgress?: (bytes: number) => void,
  ): Promise<{ readonly objects: number; readonly bytes: number }>;
  close(): Promise<void>;
}

/** Statements inside a TargetSession transaction. */
export interface TargetTransaction {
  /** Runs a statement; a refusal rolls back the whole transaction. */
  execute(statement: string): Promise<void>;
  /**
   * Runs statements under a savepoint: resolves to the server's refusal (rolled back; the transaction goes on), or
   * undefined. A GRANT or REVOKE the target only warns about (it changed nothing) is a refusal too.
   */
  attempt(statements: readonly string[]): Promise<Error | undefined>;
  /** Function bodies may name objects created later in the same plan; like pg_dump, they are not checked now. */
  deferFunctionBodyChecks(): Promise<void>;
}

/** Verification's reads on one end; see model/verify for what digests and row hashes mean. */
/** What a source's value policy keeps of one table from the target: verify compares the rest, and says so. */
export interface TableSetAside {
  /** "schema.name" as the target names it. */
  readonly table: string;
  /** Rows left out. */
  readonly rows: number;
  /** Values made NULL in rows that were loaded. */
  readonly values: number;
  /** The first few, as the reject file has them. */
  readonly examples: readonly import('./table-rows.js').SetAside[];
}

export interface VerifyReader {
  listTables(): Promise<TableFacts[]>;
  /** Rows the target should hold: with a value policy, those it left out are not counted. */
  countRows(table: QualifiedName): Promise<number>;
  /** A source with a value policy: what it keeps from the target, per table that has any (empty when nothing). */
  setAside?(): Promise<TableSetAside[]>;
  /** The character set text is stored in (a difference decides how text is hashed). */
  encoding(): Promise<string>;
  /** The shapes of many tables at once, keyed by "schema.name"; a table this end lacks has no columns. */
  tableShapes(tables: readonly QualifiedName[]): Promise<Map<string, TableShape>>;
  chunkKey(table: QualifiedName): Promise<ChunkKey | null>;
  /** Digests per key chunk computed by this end itself (capabilities.serverDigests). */
  digests(shape: TableShape, options: DigestOptions): Promise<Map<string, Digest>>;
  /** key → "hash×count" per row, hashed by this end itself (capabilities.serverDigests). */
  rowHashes(shape: TableShape, within: KeyBounds | undefined, samplePercent: number | undefined): Promise<Map<string, string>>;
  /**
   * Digests of the hash buckets one digit deeper than `parents` (the 16 first buckets when undefined), keyed by
   * bucket name, for a table without an integer key (capabilities.serverDigests).
   */
  bucketDigests(shape: TableShape, parents: HashBuckets | undefined, samplePercent: number | undefined): Promise<Map<string, Digest>>;
  /** key → "hash×count" of each row in `buckets` (without a key, the row's hash is its key). */
  bucketRowHashes(shape: TableShape, buckets: HashBuckets, samplePercent: number | undefined): Promise<Map<string, string>>;
  /**
   * The rows (key bounds only on an integer key), each value as text in PostgreSQL's output form under verify's
   * normalized settings: what the client-side canonical hash reads when an end cannot hash on its own.
   */
  rowValues(shape: TableShape, within: KeyBounds | undefined): AsyncIterable<ReadonlyArray<string | null>>;
  /** The rows with these keys as text, for showing differences. */
  rowTexts(shape: TableShape, keys: readonly string[]): Promise<Map<string, string>>;
  sequenceValues(): Promise<SequenceValue[]>;
  /** Each large object's metadata, size and a digest of its data computed by this end (capabilities.largeObjects). */
  largeObjectStates(): Promise<LargeObjectState[]>;
  /** How many large objects this end holds (capabilities.largeObjects); needs no privilege on them. */
  countLargeObjects(): Promise<number>;
  close(): Promise<void>;
}

export type EndpointRole = 'source' | 'target';
