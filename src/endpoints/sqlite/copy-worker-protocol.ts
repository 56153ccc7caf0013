/** What the main thread and the SQLite worker threads say to each other. */
import type { ErrorCode } from '../../errors/codes.js';
import { PgferryError } from '../../errors/pgferry-error.js';
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

/** A chunk carries the rows' COPY text and what the policy set aside among them, so both wait for credit alike. */
export type CopyWorkerMessage =
  | { readonly kind: 'chunk'; readonly text: string; readonly aside: readonly SetAside[] }
  | { readonly kind: 'done'; readonly rows: number }
  | { readonly kind: 'error'; readonly error: ThreadError };

/** An error as it crosses threads: its message, and a pgferry code and hint or SQLite's code. */
export interface ThreadError {
  readonly message: string;
  readonly code?: string;
  readonly hint?: string;
}

export function threadError(error: unknown): ThreadError {
  if (error instanceof PgferryError) return { message: error.message, code: error.code, ...(error.hint ? { hint: error.hint } : {}) };
  const code = (error as { code?: unknown }).code;
  return { message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) };
}

/** The thread's error as the main thread reports it: pgferry's own as it was, SQLite's named as reading the file. */
export function fromThread(error: ThreadError, what: string): PgferryError {
  if (error.code && !error.code.startsWith('SQLITE_') && error.hint !== undefined) return new PgferryError(error.code as ErrorCode, error.message, { hint: error.hint });
  if (error.code === 'SQLITE_VALUE_REJECTED' || error.code === 'SQLITE_READ_FAILED') return new PgferryError(error.code, error.message, { hint: error.hint ?? 'Check the SQLite file, then run again.' });
  return new PgferryError('SQLITE_READ_FAILED', `${what}: ${error.message}${error.code ? ` (${error.code})` : ''}`, {
    hint: 'Check that the temporary directory has room and the SQLite file can be read, then run again; if it goes on, report it with the run directory.',
  });
}
