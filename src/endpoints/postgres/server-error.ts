/** Reads the fields a PostgreSQL server attaches to an error (SQLSTATE, detail, hint, table…). */
import { PgferryError, type ServerErrorFields } from '../../errors/pgferry-error.js';

/** From a node-postgres error, or from a PgferryError that wraps one. */
export function serverErrorFields(error: unknown): ServerErrorFields {
  if (error instanceof PgferryError) return error.server ?? {};
  const e = error as Partial<Record<'code' | 'detail' | 'hint' | 'schema' | 'table' | 'column' | 'constraint', string>>;
  const sqlState = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  if (!sqlState) return {};
  const fields: Record<string, string> = { sqlState };
  for (const key of ['detail', 'hint', 'schema', 'table', 'column', 'constraint'] as const) {
    if (typeof e[key] === 'string') fields[key] = e[key];
  }
  return fields;
}

/** SQLSTATEs that end the session itself: connection exceptions, and a backend terminated or crashed. */
const sessionEndingStates = /^(08...|57P01|57P02|57P03)$/;
const socketErrors = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether the error means the connection is gone (network, server restart, terminated backend), as opposed
 * to a server that answered with an SQL error on a live session. Only the first is worth a retry.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof PgferryError) {
    if (error.server?.sqlState) return sessionEndingStates.test(error.server.sqlState);
    return error.code === 'CONNECTION_LOST' || (error.cause !== undefined && isConnectionLoss(error.cause));
  }
  const sqlState = serverErrorFields(error).sqlState;
  if (sqlState) return sessionEndingStates.test(sqlState);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && socketErrors.has(code)) return true;
  return /connection terminated|connection ended|client was closed|not queryable|socket hang up/i.test((error as Error | undefined)?.message ?? '');
}
