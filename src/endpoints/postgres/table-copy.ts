/**
 * Streams one table's rows from a source session to a target session with COPY, no intermediate file.
 * The target side truncates and loads in one transaction, so a failed or aborted copy leaves the table as
 * it was (CopyFail is sent when the stream is destroyed) and a retry starts clean. A failure on either side
 * closes what the copy left half-way (a source still in COPY OUT is disconnected), and every wait is bounded.
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { PgferryError } from '../../errors/pgferry-error.js';
import { closeSession, withinTime } from './close-session.js';
import type { CopyColumns } from './queries/copy-columns.js';
import { runQuery, type Session } from './run-query.js';
import { isConnectionLoss, serverErrorFields } from './server-error.js';
import { qualifiedName, quoteIdent } from './sql.js';
import { lockTable } from './table-lock.js';

export interface TableCopyResult {
  /** Rows the target's COPY reported loading. */
  readonly rows: number;
  /** Rows the source's COPY reported sending. */
  readonly rowsRead: number;
  readonly bytes: number;
  readonly format: 'binary' | 'text';
}

export interface TableCopyRequest {
  readonly schema: string;
  readonly name: string;
  readonly columns: CopyColumns;
  /** Both ends speak binary COPY (capabilities) and the columns allow it. */
  readonly binary: boolean;
  /** Copy only rows whose key is in [from, to); the whole table when absent. */
  readonly range?: KeyRange;
  /** An earlier attempt may have committed this range: delete it first (a whole table is always truncated). */
  readonly redo?: boolean;
  /** Called with the bytes streamed so far, at most every half second. */
  readonly onProgress?: (bytes: number) => void;
  /** How long to wait for another session's lock on the table, on either end (default 60 s). */
  readonly lockWaitMs?: number;
  /** Called when the table is locked by someone else and the copy waits for it. */
  readonly onLockWait?: (message: string) => void;
  readonly signal?: AbortSignal;
}

/** A half-open range of a single-column integer key; null bounds are open. */
export interface KeyRange {
  readonly column: string;
  readonly from: string | null;
  readonly to: string | null;
}

const defaultLockWaitMs = 60_000;
/** A live server answers ROLLBACK at once; a silent one is closed rather than waited for. */
const rollbackWaitMs = 10_000;

/** Copy failures that lost the source connection (the only ones worth a retry on a new source session). */
const sourceLosses = new WeakSet<object>();

/** Whether copyTable failed because the source connection was lost; the source session is then unusable. */
export function lostSourceConnection(error: unknown): boolean {
  return typeof error === 'object' && error !== null && sourceLosses.has(error);
}

function rangeCondition(range: KeyRange): string {
  const column = quoteIdent(range.column);
  const bounds = [range.from !== null ? `${column} >= ${BigInt(range.from)}` : '', range.to !== null ? `${column} < ${BigInt(range.to)}` : ''];
  return bounds.filter(Boolean).join(' AND ') || 'true';
}

/** `source` must already be inside the shared snapshot transaction; `target` must be idle. */
export async function copyTable(source: Session, target: Session, request: TableCopyRequest): Promise<TableCopyResult> {
  const table = qualifiedName(request.schema, request.name);
  const columnList = request.columns.names.map(quoteIdent).join(', ');
  // A table without columns to copy (none, or only generated ones) still has rows: COPY takes no empty column list,
  // so the source selects zero columns and the target copies its default column list, which is empty too.
  const noColumns = request.columns.names.length === 0;
  const format = request.binary && request.columns.binarySafe && !noColumns ? 'binary' : 'text';
  // FREEZE needs the table truncated in the same transaction, so only a whole-table copy can use it.
  const targetOptions = [...(format === 'binary' ? ['FORMAT binary'] : []), ...(request.range ? [] : ['FREEZE'])];
  const sourceQuery =
    request.range || noColumns
      ? `(SELECT ${columnList} FROM ONLY ${table} WHERE ${request.range ? rangeCondition(request.range) : 'true'})`
      : `${table} (${columnList})`;
  const lockWait = { maxMs: request.lockWaitMs ?? defaultLockWaitMs, onWait: request.onLockWait };
  // Which end failed first: the other one is then only torn down with that error.
  let failedFirst: 'source' | 'target' | undefined;
  let readerOpen = false;
  try {
    await runQuery(target, `a load transaction for ${table}`, 'BEGIN');
    await lockTable(target, table, request.range ? 'ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE', lockWait);
    if (!request.range) await runQuery(target, `an empty ${table}`, `TRUNCATE ONLY ${table}`);
    else if (request.redo) await runQuery(target, `a clean range of ${table}`, `DELETE FROM ONLY ${table} WHERE ${rangeCondition(request.range)}`);
    failedFirst = 'source';
    await lockTable(source, table, 'ACCESS SHARE', lockWait);
    failedFirst = undefined;
    const reader = source.client.query(copyTo(`COPY ${sourceQuery} TO STDOUT${format === 'binary' ? ' (FORMAT binary)' : ''}`));
    readerOpen = true;
    reader.once('end', () => (readerOpen = false));
    reader.once('error', () => (failedFirst ??= 'source'));
    const writer = target.client.query(
      copyFrom(`COPY ${table}${noColumns ? '' : ` (${columnList})`} FROM STDIN${targetOptions.length > 0 ? ` (${targetOptions.join(', ')})` : ''}`),
    );
    writer.once('error', () => (failedFirst ??= 'target'));
    let bytes = 0;
    let reportedAt = Date.now();
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (request.onProgress && Date.now() - reportedAt >= 500) {
          reportedAt = Date.now();
          request.onProgress(bytes);
        }
        done(null, chunk);
      },
    });
    await pipeline(reader, counter, writer, ...(request.signal ? [{ signal: request.signal }] : []));
    await runQuery(target, `the commit of ${table}`, 'COMMIT');
    return { rows: writer.rowCount, rowsRead: reader.rowCount, bytes, format };
  } catch (error) {
    // A reader that did not reach its end leaves the source in COPY OUT: that session can only be closed.
    if (readerOpen) closeSession(source);
    await withinTime(target, rollbackWaitMs, 'ROLLBACK', target.client.query('ROLLBACK')).catch(() => undefined);
    const side = failedFirst ?? 'target';
    throw copyError(error, side, request, side === 'source' ? source : target);
  }
}

function copyError(error: unknown, side: 'source' | 'target', request: TableCopyRequest, session: Session): PgferryError {
  const what = `${request.schema}.${request.name}`;
  if (error instanceof PgferryError && error.code === 'TABLE_LOCKED') return error;
  const server = serverErrorFields(error);
  const message = (error as Error).message;
  const state = server.sqlState ? ` (SQLSTATE ${server.sqlState})` : '';
  if (isConnectionLoss(error)) {
    const lost = new PgferryError('CONNECTION_LOST', `${session.label}: connection lost while copying ${what}: ${message}${state}`, {
      hint: `Check that the ${side} server is up and the network path is stable, then run the same command again: finished tables and chunks are kept.`,
      cause: error,
      server,
    });
    if (side === 'source') sourceLosses.add(lost);
    return lost;
  }
  return new PgferryError('COPY_FAILED', `${session.label}: copying ${what} failed on the ${side}: ${message}${state}`, {
    hint: server.hint ?? 'Nothing of this table was committed on the target; fix the cause and run again (finished tables are not copied twice).',
    cause: error,
    server,
  });
}
