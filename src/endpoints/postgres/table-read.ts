/**
 * The source side of a copy: one table's (or key range's) rows as COPY … TO STDOUT, binary when both ends speak it
 * and every column's type allows it. A read stopped before its end leaves the session in COPY OUT, so it is
 * closed, which also ends that backend and releases its snapshot.
 */
import { to as copyTo } from 'pg-copy-streams';
import { PgferryError } from '../../errors/pgferry-error.js';
import type { KeyRange } from '../../model/key-range.js';
import type { QualifiedName } from '../../model/schema-model.js';
import type { ReadRowsOptions } from '../endpoint.js';
import type { TableRows } from '../table-rows.js';
import { closeSession } from './close-session.js';
import { copyTextRows } from '../copy-text.js';
import { readCopyColumns } from './queries/copy-columns.js';
import type { Session } from './run-query.js';
import { isConnectionLoss, serverErrorFields } from './server-error.js';
import { qualifiedName, quoteIdent } from './sql.js';
import { lockTable } from './table-lock.js';

/** SQL condition: the key in [from, to). */
export function rangeCondition(range: KeyRange): string {
  const column = quoteIdent(range.column);
  const bounds = [range.from !== null ? `${column} >= ${BigInt(range.from)}` : '', range.to !== null ? `${column} < ${BigInt(range.to)}` : ''];
  return bounds.filter(Boolean).join(' AND ') || 'true';
}

/** Errors of a read that lost the source connection (worth a retry on a new reader). */
const connectionLosses = new WeakSet<object>();

export function lostReadConnection(error: unknown): boolean {
  return typeof error === 'object' && error !== null && connectionLosses.has(error);
}

/** Marks a connection loss met while reading so the load can tell it from every other failure. */
export function markIfConnectionLoss(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && isConnectionLoss(error)) connectionLosses.add(error);
  return error;
}

/** `source` must already be inside the run's snapshot transaction. */
export async function openTableRows(source: Session, table: QualifiedName, range: KeyRange | undefined, options: ReadRowsOptions): Promise<TableRows> {
  const name = qualifiedName(table.schema, table.name);
  try {
    const columns = await readCopyColumns(source, table.schema, table.name);
    await lockTable(source, name, 'ACCESS SHARE', { maxMs: options.lockWaitMs, onWait: options.onLockWait });
    // A table without columns to copy (none, or only generated ones) still has rows: COPY takes no empty column list,
    // so the source selects zero columns.
    const noColumns = columns.names.length === 0;
    const format = options.binary && columns.binarySafe && !noColumns ? 'binary' : 'text';
    const columnList = columns.names.map(quoteIdent).join(', ');
    const query = range || noColumns ? `(SELECT ${columnList} FROM ONLY ${name} WHERE ${range ? rangeCondition(range) : 'true'})` : `${name} (${columnList})`;
    const stream = source.client.query(copyTo(`COPY ${query} TO STDOUT${format === 'binary' ? ' (FORMAT binary)' : ''}`));
    let open = true;
    stream.once('end', () => (open = false));
    return {
      columns: columns.names,
      copyData: { format, stream },
      rows: () => {
        if (format !== 'text') throw new Error('rows() of a binary read');
        return copyTextRows(stream, columns.names.length);
      },
      rowsRead: () => stream.rowCount,
      cancel: () => {
        if (open) closeSession(source);
      },
      failure: (error) => readFailure(error, source, table),
    };
  } catch (error) {
    throw markIfConnectionLoss(error);
  }
}

function readFailure(error: unknown, source: Session, table: QualifiedName): Error {
  if (error instanceof PgferryError && error.code === 'TABLE_LOCKED') return error;
  const what = `${table.schema}.${table.name}`;
  const server = serverErrorFields(error);
  const message = (error as Error).message;
  const state = server.sqlState ? ` (SQLSTATE ${server.sqlState})` : '';
  if (isConnectionLoss(error)) {
    const lost = new PgferryError('CONNECTION_LOST', `${source.label}: connection lost while copying ${what}: ${message}${state}`, {
      hint: 'Check that the source server is up and the network path is stable, then run the same command again: finished tables and chunks are kept.',
      cause: error,
      server,
    });
    connectionLosses.add(lost);
    return lost;
  }
  return new PgferryError('COPY_FAILED', `${source.label}: copying ${what} failed on the source: ${message}${state}`, {
    hint: server.hint ?? 'Nothing of this table was committed on the target; fix the cause and run again (finished tables are not copied twice).',
    cause: error,
    server,
  });
}
