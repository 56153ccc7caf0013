/**
 * What phases ask of a portable archive (pgferry's own backup, restorable by psql alone): the write side a backup
 * fills table by table, and the read side a restore reads the schema statements and the tables' rows from.
 * The directory's files and formats are the archive adapter's (src/endpoints/archive/).
 */
import type { BackupFile } from '../model/backup-manifest.js';
import type { LargeObjectPiece, OidRange } from '../model/large-objects.js';
import type { QualifiedName } from '../model/schema-model.js';
import type { TableRows } from './table-rows.js';

/** The schema's statements in the order a restore applies them; the tables' rows and large objects go in after `pre-data`. */
export const schemaSectionNames = ['roles', 'pre-data', 'post-data', 'sequences', 'privileges', 'role-memberships-and-settings', 'event-triggers', 'event-trigger-privileges'] as const;
export type SchemaSectionName = (typeof schemaSectionNames)[number];

/** The sections applied before the tables' rows are loaded. */
export const sectionsBeforeData: readonly SchemaSectionName[] = ['roles', 'pre-data'];

export interface SchemaSection {
  readonly name: SchemaSectionName;
  /** Creates roles or names them (owners, grants, policies for roles…): a restore without privileges leaves it out. */
  readonly namesRoles: boolean;
  /**
   * Changes roles that may exist already and belong to the whole server (memberships, ALTER ROLE … SET), which
   * other databases' users share: applied only when asked (restore --server-roles).
   */
  readonly changesServerRoles: boolean;
  readonly statements: readonly string[];
}

export interface ArchivedTable extends QualifiedName {
  /** The columns the rows carry, in the data file's order. */
  readonly columns: readonly string[];
  /** The data file, relative to the archive directory. */
  readonly path: string;
  readonly rows: number;
}

/** One data file of large objects: those of an OID range, each object's data in pieces at offsets. */
export interface ArchivedLargeObjects extends OidRange {
  /** The data file, relative to the archive directory. */
  readonly path: string;
  readonly objects: number;
  /** Their data's bytes, uncompressed. */
  readonly bytes: number;
}

/** What a restore applies, in order: written beside restore.sql so pgferry's restore runs the same statements. */
export interface RestorePlan {
  readonly formatVersion: 1;
  readonly sections: readonly SchemaSection[];
  readonly tables: readonly ArchivedTable[];
  /** Created (owned by the restoring user) after the tables' rows; their owners, grants and comments are in the sections. */
  readonly largeObjects: readonly ArchivedLargeObjects[];
}

export interface PortableArchiveWriter {
  readonly dir: string;
  /** Writes one table's rows as compressed COPY text, hashing the file's bytes as they are written. */
  writeTable(table: QualifiedName, rows: TableRows, onProgress?: (bytes: number) => void): Promise<{ readonly table: ArchivedTable; readonly file: BackupFile }>;
  /** Writes the large objects of one OID range (`batches` as SourceReader.readLargeObjects gives them) as one data file. */
  writeLargeObjects(
    range: OidRange,
    batches: AsyncIterable<LargeObjectPiece[]>,
    onProgress?: (bytes: number) => void,
  ): Promise<{ readonly largeObjects: ArchivedLargeObjects; readonly file: BackupFile }>;
  /** Writes the sections' SQL files, the restore plan and the psql restore script; returns their files. */
  finish(sections: readonly SchemaSection[], tables: readonly ArchivedTable[], largeObjects: readonly ArchivedLargeObjects[]): Promise<BackupFile[]>;
}

/** Where portable archives are written and read: one directory format, the archive adapter's. */
export interface PortableArchiveStore {
  /** `origin` says what the archive is of (the source, without its password), for restore.sql's heading. */
  createWriter(dir: string, origin: string): Promise<PortableArchiveWriter>;
  openReader(dir: string): PortableArchiveReader;
}

export interface PortableArchiveReader {
  readonly dir: string;
  /** The restore plan's file and a section's SQL file, relative to the archive directory, for messages. */
  readonly restorePlanPath: string;
  sectionPath(section: SchemaSectionName): string;
  readPlan(): Promise<RestorePlan>;
  /** One table's rows, read from its data file as COPY text. */
  openTableRows(table: ArchivedTable): TableRows;
  /** The large objects of one data file, in batches as TargetSession.writeLargeObjects takes them. */
  readLargeObjects(file: ArchivedLargeObjects): AsyncIterable<LargeObjectPiece[]>;
}
