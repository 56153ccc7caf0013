/**
 * The records of a run log (events.ndjson in a command's run directory): what happened and when, written as it
 * happens, so a report can be rendered from it even when the run was killed.
 */
import type { BackupManifest } from './backup-manifest.js';
import type { PgferryEvent } from './events.js';
import type { Finding } from './findings.js';

/** Several attempts (a migrate resumed after a kill) share one log; each record names the attempt it belongs to. */
interface Stamped {
  readonly at: string;
  readonly attempt: string;
}

export interface RunStartRecord extends Stamped {
  readonly type: 'run:start';
  readonly command: string;
  readonly version: string;
  readonly source: string | null;
  readonly target: string | null;
  /** The resolved plan with every secret masked. */
  readonly plan: unknown;
}

export interface RunEndRecord extends Stamped {
  readonly type: 'run:end';
  /** The command's result status: migrated, blocked, equal, different, failed… */
  readonly status: string;
  readonly ms: number;
  readonly error?: { readonly code: string; readonly message: string; readonly hint?: string };
  readonly facts: RunFacts;
}

/** The CLI caught a signal (Ctrl-C, SIGTERM) and stopped the run. */
export interface RunSignalRecord extends Stamped {
  readonly type: 'run:signal';
  readonly signal: string;
}

export type EventRecord = PgferryEvent & Stamped;

export type RunRecord = RunStartRecord | RunEndRecord | RunSignalRecord | EventRecord;

/** What a command's result tells the report beyond its events. Every part is optional: a command fills what it knows. */
export interface RunFacts {
  readonly preflight?: PreflightSummary;
  /** The backup the run took or, resumed, had taken. */
  readonly backup?: { readonly dir: string; readonly manifest: BackupManifest };
  readonly tables?: ReadonlyArray<{ readonly table: string; readonly rows: number; readonly bytes: number }>;
  readonly verification?: VerificationSummary;
  readonly warnings?: readonly Finding[];
  readonly resumed?: boolean;
  /** A restore: each table's rows as the manifest lists them and as restored (null: the table is missing). */
  readonly restore?: RestoreSummary;
}

export interface RestoreSummary {
  readonly backupDir: string;
  readonly tables: ReadonlyArray<{ readonly table: string; readonly expected: number; readonly restored: number | null }>;
  readonly largeObjects?: { readonly expected: number; readonly restored: number } | null;
  readonly differences: number;
}

export interface ServerSummary {
  readonly display: string;
  readonly version: string;
  readonly database: string;
  readonly databaseBytes: number;
  readonly encoding: string;
}

export interface PreflightSummary {
  readonly source: ServerSummary & {
    readonly tableCount: number;
    readonly rows: number;
    readonly rowsExact: boolean;
    readonly extensions: readonly string[];
    readonly largeObjects: number;
    /** The largest tables by size on disk, at most ten. */
    readonly largestTables: ReadonlyArray<{ readonly table: string; readonly rows: number; readonly totalBytes: number }>;
  };
  readonly target: ServerSummary & { readonly existingObjects: number };
  readonly freeBytes: number;
  readonly blockers: readonly Finding[];
  readonly warnings: readonly Finding[];
}

export interface VerificationSummary {
  readonly differences: number;
  readonly tables: ReadonlyArray<{
    readonly table: string;
    readonly sourceRows: number;
    readonly targetRows: number;
    readonly content: 'equal' | 'different' | 'not compared';
    readonly differingRows: number;
    readonly problem?: string;
  }>;
  readonly schema: ReadonlyArray<{ readonly object: string; readonly property: string; readonly source: string; readonly target: string }>;
  readonly sequences: ReadonlyArray<{ readonly sequence: string; readonly problem: string }>;
  readonly largeObjects: { readonly sourceCount: number; readonly targetCount: number; readonly differences: number } | null;
  /** What a SQLite source's value policy kept from the target, per table (absent in older records). */
  readonly setAside?: ReadonlyArray<{ readonly table: string; readonly rows: number; readonly values: number }>;
  /** Objects the source's mapping leaves out on purpose (absent in older records). */
  readonly leftOut?: readonly string[];
}
