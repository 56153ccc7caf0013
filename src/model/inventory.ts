/** What an endpoint knows about itself before anything moves: the facts preflight reports. */
import type { Finding } from './findings.js';

export interface ServerFacts {
  /** e.g. "17.2" */
  readonly version: string;
  /** e.g. 170002 */
  readonly versionNum: number;
  readonly major: number;
  readonly database: string;
  readonly user: string;
  readonly isSuperuser: boolean;
  readonly databaseBytes: number;
  readonly maxConnections: number;
  /** The database's character set, e.g. "UTF8", "LATIN1", "SQL_ASCII". */
  readonly encoding: string;
  /** Client sessions on this database, pgferry's own excluded. */
  readonly connections: readonly ConnectionGroup[];
}

export interface ConnectionGroup {
  readonly user: string;
  readonly application: string;
  readonly count: number;
}

export interface CollationFacts {
  /** "libc", "icu" or "builtin" */
  readonly provider: string;
  readonly collate: string;
  readonly ctype: string;
  readonly locale: string | null;
  /** The version recorded when the database was created (PostgreSQL 15+). */
  readonly recordedVersion: string | null;
  /** The version the server's C library or ICU has now (PostgreSQL 15+). */
  readonly actualVersion: string | null;
}

/** How the connection reaches the server: directly, or through a pooler or proxy. */
export interface ConnectionPath {
  /** "direct", "proxy" (session kept, some middle box), "transaction-pooler" or "statement-pooler". */
  readonly kind: 'direct' | 'proxy' | 'transaction-pooler' | 'statement-pooler';
  /** What was observed, in words. */
  readonly evidence: string;
}

export interface TableFacts {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'table' | 'partitioned' | 'partition';
  readonly unlogged: boolean;
  readonly rows: number;
  /** False when rows is the planner's estimate. */
  readonly rowsExact: boolean;
  /** Table, TOAST and index bytes. */
  readonly totalBytes: number;
  /** Table and TOAST bytes: what a copy moves. */
  readonly dataBytes: number;
  readonly hasPrimaryKey: boolean;
  /** "default", "nothing", "full" or "index" (pg_class.relreplident). */
  readonly replicaIdentity: 'default' | 'nothing' | 'full' | 'index';
  /** Row-level security would filter the connected role's reads (no superuser, BYPASSRLS or ownership). */
  readonly rowSecurityApplies: boolean;
}

export interface ExtensionFacts {
  readonly name: string;
  readonly version: string;
  readonly schema: string;
}

export interface RoleFacts {
  readonly name: string;
  readonly superuser: boolean;
  readonly canLogin: boolean;
  readonly ownedObjects: number;
  readonly grants: number;
}

export interface MigrationTableFacts {
  /** The tool that keeps this table, e.g. "alembic". */
  readonly tool: string;
  readonly schema: string;
  readonly table: string;
  readonly currentVersion: string | null;
  readonly entries: number;
}

export interface SequenceFacts {
  readonly schema: string;
  readonly name: string;
  readonly dataType: string;
  /** Null when never called or not readable by the connected role. */
  readonly lastValue: string | null;
}

/** An object that exists in the source and that pgferry does not migrate. */
export interface UnsupportedObject {
  readonly kind: string;
  readonly name: string;
}

export interface SourceInventory {
  readonly server: ServerFacts;
  readonly collation: CollationFacts;
  readonly path: ConnectionPath;
  readonly schemas: readonly string[];
  readonly tables: readonly TableFacts[];
  readonly extensions: readonly ExtensionFacts[];
  readonly roles: readonly RoleFacts[];
  readonly migrationTables: readonly MigrationTableFacts[];
  readonly sequences: readonly SequenceFacts[];
  readonly largeObjects: number;
  /** Their total size; null when the connected role may not read every one of them. */
  readonly largeObjectBytes: number | null;
  readonly unsupported: readonly UnsupportedObject[];
  /** What mapping a source of another kind (SQLite) into PostgreSQL renamed, left out or changed: warnings. */
  readonly mappingNotes?: readonly Finding[];
}

export interface TargetPrivileges {
  readonly canCreateSchemas: boolean;
  /** Schemas that already exist on the target and where the role cannot create objects. */
  readonly schemasWithoutCreate: readonly string[];
  /** Schemas the source has that the target lacks: creating them needs CREATE on the database. */
  readonly missingSchemas: readonly string[];
}

export interface AvailableExtension {
  readonly name: string;
  readonly defaultVersion: string;
  readonly installedVersion: string | null;
  /** Every version the target can install (pg_available_extension_versions). */
  readonly versions: readonly string[];
}

export interface TargetInventory {
  readonly server: ServerFacts;
  readonly collation: CollationFacts;
  readonly path: ConnectionPath;
  /** A few user objects found on the target, e.g. "table public.users"; empty when the target is empty. */
  readonly existingObjects: readonly string[];
  readonly existingObjectCount: number;
  readonly privileges: TargetPrivileges;
  readonly availableExtensions: readonly AvailableExtension[];
  /** Compression methods for TOAST values (pglz; lz4 where the server was built with it). */
  readonly toastCompressions: readonly string[];
}

/** How a server is named to people: a version that names its product (a SQLite source's) as it is, a bare one as PostgreSQL's. */
export function serverProduct(version: string): string {
  return /^\d/.test(version) ? `PostgreSQL ${version}` : version;
}
