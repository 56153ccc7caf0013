/** A PostgreSQL database as a source or a target of a run. */
import type pg from 'pg';
import type { DatabaseFingerprint } from '../../model/database-fingerprint.js';
import type { SourceInventory, TableFacts, TargetInventory } from '../../model/inventory.js';
import type { Rehearsal } from '../../model/rehearsal.js';
import type { SchemaModel } from '../../model/schema-model.js';
import type { LargeObjectMetadata } from '../../model/large-objects.js';
import { PgferryError } from '../../errors/pgferry-error.js';
import { withinTime } from './close-session.js';
import { emitter } from '../../model/events.js';
import type {
  EndpointCapabilities,
  EndpointRole,
  InventoryOptions,
  NativeArchive,
  NativeDump,
  NativeRestoreOptions,
  ScratchDatabase,
  SequenceValue,
  SourceEndpoint,
  SourceReader,
  SourceSnapshot,
  TargetEndpoint,
  TargetSession,
  VerifyReader,
  WriteFence,
} from '../endpoint.js';
import { pinCopySession } from './copy-session.js';
import { tuneLoadSession } from './load-settings.js';
import { openSourceReader, openSourceSnapshot } from './postgres-source-reader.js';
import { postgresTargetSession } from './postgres-target-session.js';
import { openPostgresVerifyReader } from './postgres-verify-reader.js';
import { readSequenceValues } from './queries/sequence-values.js';
import { fenceWrites, liftWriteFence } from './write-fence.js';
import { readColumnCollationVersions, type ColumnCollationVersion } from './queries/collation-versions.js';
import { lostReadConnection, markIfConnectionLoss } from './table-read.js';
import { connectPostgres } from './connect.js';
import { configForDatabase, databaseIdentity, type PostgresConnectionConfig } from './connection-config.js';
import { findNativeDump, restoreNativeArchive } from './native-dump.js';
import { createScratchDatabase } from './scratch-database.js';
import { detectConnectionPath } from './connection-path.js';
import { readDatabaseFingerprint } from './queries/database-fingerprint.js';
import { countLargeObjects, listExtensions, listRolesInUse, listSchemas, listSequences } from './queries/catalog-facts.js';
import { readCollationFacts } from './queries/collation-facts.js';
import { readMigrationTables } from './queries/migration-tables.js';
import { readBackendPid, readServerFacts } from './queries/server-facts.js';
import { countRows, listTables } from './queries/table-facts.js';
import { readLargeObjectMetadata, sumLargeObjectBytes } from './queries/large-objects.js';
import { listAvailableExtensions, listExistingObjects, readTargetPrivileges } from './queries/target-facts.js';
import { listToastCompressions } from './queries/toast-compressions.js';
import { listUnsupportedObjects } from './queries/unsupported-objects.js';
import type { Session } from './run-query.js';
import { applySessionBaseline } from './session-baseline.js';
import { readRunLockHolder, tryRunLock } from './queries/run-lock.js';
import { rehearseStatements } from './rehearse-statements.js';
import { readSchemaModel } from './schema/read-schema-model.js';
import { restateSchema } from './schema/restate-schema.js';

export interface PostgresEndpointOptions {
  readonly role: EndpointRole;
  readonly connectTimeoutSeconds: number;
  /** lock_timeout of every session but the load's (default 60 s). */
  readonly lockWaitSeconds?: number;
}

export class PostgresEndpoint implements SourceEndpoint, TargetEndpoint {
  readonly kind = 'postgres';
  readonly capabilities: EndpointCapabilities = { sharedSnapshot: true, binaryCopy: true, roles: true, chunkKeys: true, serverDigests: true, changeCapture: false, largeObjects: true };
  readonly display: string;
  readonly identity: string;
  private readonly label: string;
  private readonly clients: pg.Client[] = [];
  private closed = false;
  private fingerprintRead: Promise<DatabaseFingerprint> | undefined;
  /** Backend pids of this endpoint's sessions, so its own sessions are not reported as other users'. */
  private readonly ownPids: number[] = [];

  constructor(
    private readonly config: PostgresConnectionConfig,
    private readonly options: PostgresEndpointOptions,
  ) {
    this.display = config.display;
    this.identity = databaseIdentity(config.address);
    this.label = `${options.role} ${config.address.host}:${config.address.port}/${config.address.database}`;
  }

  /** Opens a new session; it is closed with the endpoint. */
  async session(): Promise<Session> {
    const client = await connectPostgres(this.config, { label: this.options.role, connectTimeoutSeconds: this.options.connectTimeoutSeconds });
    // A connection that completes after close() (a sibling request failed first) must not outlive the endpoint.
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new PgferryError('CONNECTION_LOST', `${this.label}: the endpoint was closed while this session was opening`, {
        hint: 'Another part of the command failed first; see that error.',
      });
    }
    this.clients.push(client);
    const session = { client, label: this.label };
    this.ownPids.push(await readBackendPid(session));
    await applySessionBaseline(session, this.options.lockWaitSeconds ?? 60);
    return session;
  }

  /**
   * Opens `count` sessions for one piece of work and closes them when it is done, so a run holds only the
   * sessions it is using (a small managed target allows few).
   */
  private async withSessions<T>(count: number, work: (sessions: Session[]) => Promise<T>): Promise<T> {
    const sessions: Session[] = [];
    try {
      for (let i = 0; i < count; i++) sessions.push(await this.session());
      return await work(sessions);
    } finally {
      await Promise.all(sessions.map((s) => this.release(s)));
    }
  }

  private async release(session: Session): Promise<void> {
    const at = this.clients.indexOf(session.client);
    if (at >= 0) this.clients.splice(at, 1);
    await withinTime(session, 5_000, 'closing the session', session.client.end()).catch(() => undefined);
  }

  /** The server's major, read once. */
  private majorRead: Promise<number> | undefined;
  private major(): Promise<number> {
    this.majorRead ??= this.withSessions(1, async ([session]) => (await readServerFacts(session!, this.ownPids)).major);
    return this.majorRead;
  }

  async openSnapshot(): Promise<SourceSnapshot> {
    const leader = await this.session();
    return openSourceSnapshot(leader, () => this.release(leader));
  }

  async openReader(snapshotId: string): Promise<SourceReader> {
    const session = await this.session().catch((error: unknown) => Promise.reject(markIfConnectionLoss(error)));
    return openSourceReader(session, snapshotId, () => this.release(session));
  }

  lostConnection(error: unknown): boolean {
    return lostReadConnection(error);
  }

  async fenceWrites(): Promise<WriteFence> {
    return this.withSessions(1, ([session]) => fenceWrites(session!, this.config.address.database));
  }

  async liftWriteFence(): Promise<void> {
    await this.withSessions(1, ([session]) => liftWriteFence(session!, this.config.address.database));
  }

  async readSequenceValues(): Promise<SequenceValue[]> {
    return this.withSessions(1, ([session]) => readSequenceValues(session!));
  }

  async openLoadSession(): Promise<TargetSession> {
    const major = await this.major();
    const session = await this.session();
    try {
      await tuneLoadSession(session, major);
      await pinCopySession(session);
    } catch (error) {
      await this.release(session);
      throw error;
    }
    return postgresTargetSession(session, () => this.release(session));
  }

  async columnCollationVersions(): Promise<ColumnCollationVersion[]> {
    return this.withSessions(1, ([session]) => readColumnCollationVersions(session!));
  }

  async openVerifyReader(): Promise<VerifyReader> {
    const session = await this.session();
    return openPostgresVerifyReader(session, () => this.release(session));
  }

  /** Read once per endpoint: the same-database check and the journal's target check both ask. */
  fingerprint(): Promise<DatabaseFingerprint> {
    this.fingerprintRead ??= this.withSessions(1, ([session]) => readDatabaseFingerprint(session!));
    return this.fingerprintRead;
  }

  async lockForRun(): Promise<void> {
    const session = await this.session();
    try {
      if (await tryRunLock(session)) return;
    } catch (error) {
      // A statement pooler refuses transaction blocks; preflight blocks such a target with its own finding.
      if (/statement pooling/i.test((error as Error).message)) return;
      throw error;
    }
    const holder = await readRunLockHolder(session);
    const who = holder ? ` (backend pid ${holder.pid}${holder.client ? ` from ${holder.client}` : ''}${holder.since ? `, since ${holder.since}` : ''})` : '';
    throw new PgferryError('RUN_IN_PROGRESS', `${this.label}: another pgferry migrate is writing into this database${who}`, {
      hint: `Wait for that run to finish (a run that died releases it on its own), or stop it; if its process is gone but the server still holds its session, end it with SELECT pg_terminate_backend(${holder?.pid ?? '<pid>'}).`,
    });
  }

  async inventorySource(options: InventoryOptions): Promise<SourceInventory> {
    const emit = emitter(options.onEvent);
    const step = (what: string) => emit({ type: 'step', phase: 'preflight', endpoint: 'source', what });
    return this.withSessions(2, async (sessions) => {
      const [main, probe] = sessions as [Session, Session];
      step('server, collation and connection path');
      const server = await readServerFacts(main, this.ownPids);
      const collation = await readCollationFacts(main, server.major);
      const path = await detectConnectionPath(main, probe, this.config.address.port);
      step('schemas, extensions, roles and sequences');
      const schemas = await listSchemas(main);
      const extensions = await listExtensions(main);
      const roles = await listRolesInUse(main);
      const sequences = await listSequences(main);
      const largeObjects = await countLargeObjects(main);
      const largeObjectBytes = largeObjects > 0 ? await sumLargeObjectBytes(main) : 0;
      const migrationTables = await readMigrationTables(main);
      const unsupported = await listUnsupportedObjects(main);
      step(options.estimateCounts ? 'tables (estimated row counts)' : 'tables (exact row counts)');
      const listed = await listTables(main);
      const tables = options.estimateCounts ? listed : await this.countExactly(listed, sessions, options);
      return { server, collation, path, schemas, tables, extensions, roles, migrationTables, sequences, largeObjects, largeObjectBytes, unsupported };
    });
  }

  async inventoryTarget(sourceSchemas: readonly string[]): Promise<TargetInventory> {
    return this.withSessions(2, async ([main, probe]) => this.readTargetInventory(main!, probe!, sourceSchemas));
  }

  private async readTargetInventory(main: Session, probe: Session, sourceSchemas: readonly string[]): Promise<TargetInventory> {
    const server = await readServerFacts(main, this.ownPids);
    const collation = await readCollationFacts(main, server.major);
    const path = await detectConnectionPath(main, probe, this.config.address.port);
    const existing = await listExistingObjects(main);
    const privileges = await readTargetPrivileges(main, sourceSchemas);
    const availableExtensions = await listAvailableExtensions(main);
    const toastCompressions = await listToastCompressions(main);
    return { server, collation, path, existingObjects: existing.names, existingObjectCount: existing.count, privileges, availableExtensions, toastCompressions };
  }

  async rehearse(statements: readonly string[]): Promise<Rehearsal> {
    return this.withSessions(1, ([session]) => rehearseStatements(session!, statements));
  }

  async readSchema(): Promise<SchemaModel> {
    return this.withSessions(1, async ([session]) => readSchemaModel(session!, (await readServerFacts(session!, this.ownPids)).major));
  }

  async restateSchema(model: SchemaModel): Promise<SchemaModel> {
    return this.withSessions(1, ([session]) => restateSchema(session!, model));
  }

  async readLargeObjectMetadata(): Promise<LargeObjectMetadata[]> {
    return this.withSessions(1, ([session]) => readLargeObjectMetadata(session!));
  }

  /** count(*) per table, biggest first, on up to `jobs` sessions. */
  private async countExactly(tables: TableFacts[], sessions: Session[], options: InventoryOptions): Promise<TableFacts[]> {
    const emit = emitter(options.onEvent);
    while (sessions.length < Math.min(options.jobs, tables.length)) sessions.push(await this.session());
    // A table row-level security hides rows from this role cannot be counted (preflight names it as a blocker).
    const queue = tables
      .map((table, index) => ({ table, index }))
      .filter(({ table }) => !table.rowSecurityApplies)
      .sort((a, b) => b.table.totalBytes - a.table.totalBytes);
    const total = queue.length;
    const counted: TableFacts[] = [...tables];
    let done = 0;
    const worker = async (session: Session) => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const rows = await countRows(session, next.table);
        counted[next.index] = { ...next.table, rows, rowsExact: true };
        done += 1;
        emit({ type: 'count:progress', endpoint: 'source', table: `${next.table.schema}.${next.table.name}`, done, total, rows });
      }
    };
    await Promise.all(sessions.map(worker));
    return counted;
  }

  async findNativeDump(binDir: string | undefined): Promise<NativeDump | null> {
    return findNativeDump(binDir, await this.major(), this.config.libpqEnv, this.options.lockWaitSeconds ?? 60);
  }

  async restoreNativeArchive(archive: NativeArchive, options: NativeRestoreOptions): Promise<void> {
    return restoreNativeArchive(archive, options, this.config.libpqEnv);
  }

  async createScratchDatabase(prefix: string, roles: readonly string[]): Promise<ScratchDatabase> {
    const withSession = <T>(work: (session: Session) => Promise<T>) => this.withSessions(1, ([session]) => work(session!));
    return createScratchDatabase(withSession, prefix, roles, (name) => new PostgresEndpoint(configForDatabase(this.config, name), { ...this.options, role: 'target' }));
  }

  async close(): Promise<void> {
    this.closed = true;
    const clients = this.clients.splice(0);
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}
