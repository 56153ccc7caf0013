/** The small interfaces every endpoint kind (postgres now; sqlite, json, archive later) implements. */
import type { DatabaseFingerprint } from '../model/database-fingerprint.js';
import type { SourceInventory, TargetInventory } from '../model/inventory.js';
import type { LargeObjectMetadata, LargeObjectPiece, LargeObjectSize, LargeObjectState, OidRange } from '../model/large-objects.js';
import type { Rehearsal } from '../model/rehearsal.js';
import type { SchemaModel } from '../model/schema-model.js';
import type { PgferryEvent } from '../run/events.js';
import type { Session } from './postgres/run-query.js';

/** What an endpoint can do; phases branch on these flags, never on the kind's name. */
export interface EndpointCapabilities {
  /** Can export a snapshot that parallel readers share (pg_export_snapshot). */
  readonly sharedSnapshot: boolean;
  /** Speaks PostgreSQL's binary COPY format. */
  readonly binaryCopy: boolean;
  /** Has roles, owners and grants to inventory or apply. */
  readonly roles: boolean;
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

export interface SourceEndpoint extends EndpointBase {
  /** Everything preflight reports about a source; reads only. */
  inventorySource(options: InventoryOptions): Promise<SourceInventory>;
  /** The whole schema as the neutral model; reads only. */
  readSchema(): Promise<SchemaModel>;
  /**
   * A new SQL session on the source. PostgreSQL sources only for now: when SQLite and JSON sources arrive, the
   * copy will ask the source for a row stream instead.
   */
  session(): Promise<Session>;
  /** Every large object's OID and size as `session` sees them (the run's snapshot, during a load); reads only. */
  listLargeObjects(session: Session): Promise<LargeObjectSize[]>;
  /** The large objects of one OID range as `session` sees them, in batches of bounded size (a big one in pieces). */
  readLargeObjects(session: Session, range: OidRange): AsyncIterable<LargeObjectPiece[]>;
  /** Owner, grants and comment of every large object; reads only. */
  readLargeObjectMetadata(session: Session): Promise<LargeObjectMetadata[]>;
  /** Each large object's metadata, size and a digest of its data computed by this server, for verify; reads only. */
  readLargeObjectStates(session: Session): Promise<LargeObjectState[]>;
}

export interface TargetEndpoint extends EndpointBase {
  /** Everything preflight reports about a target, given the schemas the source will bring; reads only. */
  inventoryTarget(sourceSchemas: readonly string[]): Promise<TargetInventory>;
  /** A new session on the target (always PostgreSQL: pgferry moves databases into it). */
  session(): Promise<Session>;
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
  /**
   * Replaces the large objects of `range` with `batches`, keeping their OIDs, in one transaction on `session` (idle
   * before): objects of the range already there (an earlier attempt's) are removed first. Created owned by the
   * connecting user, without grants or comments (schema:post applies those).
   */
  writeLargeObjects(
    session: Session,
    range: OidRange,
    batches: AsyncIterable<LargeObjectPiece[]>,
    onProgress?: (bytes: number) => void,
  ): Promise<{ readonly objects: number; readonly bytes: number }>;
  /** As SourceEndpoint.readLargeObjectStates: what verify compares. */
  readLargeObjectStates(session: Session): Promise<LargeObjectState[]>;
}

export type EndpointRole = 'source' | 'target';
