/** A PostgreSQL database as a source or a target of a run. */
import type pg from 'pg';
import type { DatabaseFingerprint } from '../../model/database-fingerprint.js';
import type { SourceInventory, TableFacts, TargetInventory } from '../../model/inventory.js';
import type { Rehearsal } from '../../model/rehearsal.js';
import type { SchemaModel } from '../../model/schema-model.js';
import type { LargeObjectMetadata, LargeObjectPiece, LargeObjectSize, LargeObjectState, OidRange } from '../../model/large-objects.js';
import { PgferryError } from '../../errors/pgferry-error.js';
import { withinTime } from './close-session.js';
import { emitter } from '../../run/events.js';
import type { EndpointCapabilities, EndpointRole, InventoryOptions, SourceEndpoint, TargetEndpoint } from '../endpoint.js';
import { connectPostgres } from './connect.js';
import { databaseIdentity, type PostgresConnectionConfig } from './connection-config.js';
import { detectConnectionPath } from './connection-path.js';
import { readDatabaseFingerprint } from './queries/database-fingerprint.js';
import { countLargeObjects, listExtensions, listRolesInUse, listSchemas, listSequences } from './queries/catalog-facts.js';
import { readCollationFacts } from './queries/collation-facts.js';
import { readMigrationTables } from './queries/migration-tables.js';
import { readBackendPid, readServerFacts } from './queries/server-facts.js';
import { countRows, listTables } from './queries/table-facts.js';
import { listLargeObjectSizes, readLargeObjectMetadata, readLargeObjectStates, sumLargeObjectBytes } from './queries/large-objects.js';
import { readLargeObjectRange, writeLargeObjectRange, type LargeObjectWriteResult } from './large-object-copy.js';
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
  readonly capabilities: EndpointCapabilities = { sharedSnapshot: true, binaryCopy: true, roles: true, largeObjects: true };
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

  listLargeObjects(session: Session): Promise<LargeObjectSize[]> {
    return listLargeObjectSizes(session);
  }

  readLargeObjects(session: Session, range: OidRange): AsyncIterable<LargeObjectPiece[]> {
    return readLargeObjectRange(session, range);
  }

  readLargeObjectMetadata(session: Session): Promise<LargeObjectMetadata[]> {
    return readLargeObjectMetadata(session);
  }

  readLargeObjectStates(session: Session): Promise<LargeObjectState[]> {
    return readLargeObjectStates(session);
  }

  writeLargeObjects(session: Session, range: OidRange, batches: AsyncIterable<LargeObjectPiece[]>, onProgress?: (bytes: number) => void): Promise<LargeObjectWriteResult> {
    return writeLargeObjectRange(session, range, batches, onProgress);
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

  async close(): Promise<void> {
    this.closed = true;
    const clients = this.clients.splice(0);
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}
