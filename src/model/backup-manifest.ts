/**
 * What a backup holds and how it was checked: written beside the backup as manifest.json (and manifest.txt for
 * people), read back by restore before anything is written, and shown in the run report.
 */
import type { ShellHookRecord } from './shell-hook.js';

/**
 * pg_dump: a pg_dump custom-format archive (+ roles); portable: pgferry's own archive, restorable by psql alone;
 * sqlite: a SQLite source's file copied with SQLite's online backup API.
 */
export type BackupKind = 'pg_dump' | 'portable' | 'sqlite';

export interface BackupFile {
  /** Relative to the backup directory, with forward slashes. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  /** When the file was finished (UTC). */
  readonly createdAt: string;
  /**
   * archive: pg_dump's file; roles: pg_dumpall --roles-only; schema / data / script: the portable archive's parts
   * (a data file without a table holds large objects); hook: a hook's output.
   */
  readonly role: 'archive' | 'roles' | 'schema' | 'data' | 'script' | 'hook';
  /** For a data file: "schema.table" and the rows it holds. */
  readonly table?: string;
  readonly rows?: number;
}

/** A table's rows in the backup: "schema.table" to read, and its schema and name apart (a name may hold a dot). */
export interface ManifestTable {
  readonly table: string;
  readonly schema?: string;
  readonly name?: string;
  readonly rows: number;
}

export interface BackupCheck {
  /** pg_restore --list: how many entries the archive holds (pg_dump kind). */
  readonly listedEntries?: number;
  /** The archive restored into a scratch database on the target server and compared with the source. */
  readonly testRestore:
    | {
        readonly status: 'equal' | 'different';
        readonly ms: number;
        readonly database: string;
        readonly differences: number;
        readonly compared: string;
        /** What differed, a line each, the first few. */
        readonly differing: readonly string[];
      }
    | { readonly status: 'skipped'; readonly reason: string }
    /** The restore itself failed (the reason is the restore tool's or the target's own words). */
    | { readonly status: 'failed'; readonly ms: number; readonly database: string; readonly reason: string };
}

export interface BackupManifest {
  readonly formatVersion: 1;
  readonly kind: BackupKind;
  readonly createdAt: string;
  readonly source: {
    /** The source URL without its password. */
    readonly display: string;
    readonly serverVersion: string;
    readonly major: number;
    readonly database: string;
  };
  /** The pg_dump that wrote a pg_dump backup: its path and version. */
  readonly tool?: { readonly path: string; readonly version: string };
  /** Every file of the backup but the manifest itself. */
  readonly files: readonly BackupFile[];
  /** Rows per table in the backup's snapshot ("schema.table"). */
  readonly tables: readonly ManifestTable[];
  /** The large objects a portable archive carries, in the same snapshot; absent in manifests of archives without them. */
  readonly largeObjects?: { readonly count: number; readonly bytes: number };
  /** Plan-level extra backup steps (e.g. a provider's volume snapshot): each command and what it did. */
  readonly hooks: readonly ShellHookRecord[];
  readonly check: BackupCheck;
  /** What the backup leaves out, said once (e.g. roles when the source user may not read passwords). */
  readonly notes: readonly string[];
}

export const manifestFileName = 'manifest.json';
/** A pg_dump backup's files: the custom-format archive and pg_dumpall's roles. */
export const nativeArchiveFile = 'database.dump';
export const rolesFile = 'roles.sql';
export const manifestTextFileName = 'manifest.txt';
