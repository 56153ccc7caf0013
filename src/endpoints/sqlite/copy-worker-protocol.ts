/** What the main thread and a SQLite copy worker say to each other. */
import type { SetAside } from '../table-rows.js';
import type { RelationalVerdicts } from './sqlite-row-pages.js';
import type { SqliteSourceColumn, SqliteSourceTable } from './sqlite-source-tables.js';

export interface CopyWorkerInput {
  /** A file no one writes while the worker reads it. */
  readonly file: string;
  readonly busyMs: number;
  readonly table: SqliteSourceTable;
  readonly columns: readonly SqliteSourceColumn[];
  readonly relational: RelationalVerdicts;
  /** Chunks the worker may send before the main thread asks for more (one more per message it sends back). */
  readonly credits: number;
}

export type CopyWorkerMessage =
  | { readonly kind: 'chunk'; readonly text: string }
  | { readonly kind: 'aside'; readonly entry: SetAside }
  | { readonly kind: 'done'; readonly rows: number }
  | { readonly kind: 'error'; readonly message: string; readonly code?: string; readonly hint?: string };
