/** The one error type pgferry throws for anything a user can act on. */
import type { ErrorCode } from './codes.js';
import { redactSecrets } from './redact.js';

/** Fields a PostgreSQL server attaches to an error, kept whole for the reader. */
export interface ServerErrorFields {
  readonly sqlState?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
}

export interface PgferryErrorOptions {
  /** What to do next, in one sentence. */
  readonly hint: string;
  readonly cause?: unknown;
  readonly server?: ServerErrorFields;
}

/**
 * A failure with a stable `code`, a message that says what failed and why, and a
 * `hint` naming what to do next. Messages and hints are scrubbed of passwords.
 *
 * @example
 * throw new PgferryError('AUTH_FAILED', 'source: password authentication failed for user "app"', {
 *   hint: 'Check the password in the source URL, PGPASSWORD or ~/.pgpass.',
 * });
 */
export class PgferryError extends Error {
  override readonly name = 'PgferryError';
  readonly code: ErrorCode;
  readonly hint: string;
  readonly server: ServerErrorFields | undefined;

  constructor(code: ErrorCode, message: string, options: PgferryErrorOptions) {
    super(redactSecrets(message), { cause: options.cause });
    this.code = code;
    this.hint = redactSecrets(options.hint);
    this.server = options.server;
  }

  /** A plain object for `--json` output and reports. */
  toJSON(): { code: ErrorCode; message: string; hint: string; server?: ServerErrorFields } {
    return { code: this.code, message: this.message, hint: this.hint, ...(this.server ? { server: this.server } : {}) };
  }
}

/** Wraps anything that is not already a PgferryError as an INTERNAL error (a bug). */
export function asPgferryError(error: unknown): PgferryError {
  if (error instanceof PgferryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PgferryError('INTERNAL', `unexpected failure: ${message}`, {
    hint: 'This is a bug in pgferry. Re-run with --debug and report the output.',
    cause: error,
  });
}
