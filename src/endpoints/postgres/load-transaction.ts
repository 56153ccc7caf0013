/** The transaction a table load runs in: opened, locked and emptied first; rolled back on failure; its errors named. */
import { PgferryError } from '../../errors/pgferry-error.js';
import type { LoadTableRequest } from '../endpoint.js';
import { runQuery, type Session } from './run-query.js';
import { isConnectionLoss, serverErrorFields } from './server-error.js';
import { qualifiedName } from './sql.js';
import { rangeCondition } from './table-read.js';
import { lockTable } from './table-lock.js';

/** BEGIN, lock, and empty what this load replaces. */
export async function prepareLoad(target: Session, request: LoadTableRequest): Promise<string> {
  const table = qualifiedName(request.table.schema, request.table.name);
  await runQuery(target, `a load transaction for ${table}`, 'BEGIN');
  await lockTable(target, table, request.range ? 'ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE', { maxMs: request.lockWaitMs, onWait: request.onLockWait });
  if (!request.range) await runQuery(target, `an empty ${table}`, `TRUNCATE ONLY ${table}`);
  else if (request.redo) await runQuery(target, `a clean range of ${table}`, `DELETE FROM ONLY ${table} WHERE ${rangeCondition(request.range)}`);
  return table;
}

/** A load's failure on the target, in words naming the table and the server's SQLSTATE. */
export function loadError(error: unknown, target: Session, what: string): PgferryError {
  if (error instanceof PgferryError && error.code === 'TABLE_LOCKED') return error;
  const server = serverErrorFields(error);
  const message = (error as Error).message;
  const state = server.sqlState ? ` (SQLSTATE ${server.sqlState})` : '';
  if (isConnectionLoss(error)) {
    return new PgferryError('CONNECTION_LOST', `${target.label}: connection lost while copying ${what}: ${message}${state}`, {
      hint: 'Check that the target server is up and the network path is stable, then run the same command again: finished tables and chunks are kept.',
      cause: error,
      server,
    });
  }
  return new PgferryError('COPY_FAILED', `${target.label}: copying ${what} failed on the target: ${message}${state}`, {
    hint: server.hint ?? 'Nothing of this table was committed on the target; fix the cause and run again (finished tables are not copied twice).',
    cause: error,
    server,
  });
}
