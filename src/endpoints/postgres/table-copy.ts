/**
 * Streams one table's rows from a source session to a target session with COPY, no intermediate file.
 * The target side truncates and loads in one transaction, so a failed or aborted copy leaves the table as
 * it was (CopyFail is sent when the stream is destroyed) and a retry starts clean.
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { PgferryError } from '../../errors/pgferry-error.js';
import type { CopyColumns } from './queries/copy-columns.js';
import { runQuery, type Session } from './run-query.js';
import { serverErrorFields } from './server-error.js';
import { qualifiedName, quoteIdent } from './sql.js';

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
  readonly signal?: AbortSignal;
}

/** A half-open range of a single-column integer key; null bounds are open. */
export interface KeyRange {
  readonly column: string;
  readonly from: string | null;
  readonly to: string | null;
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
  await runQuery(target, `a load transaction for ${table}`, 'BEGIN');
  try {
    if (!request.range) await runQuery(target, `an empty ${table}`, `TRUNCATE ONLY ${table}`);
    else if (request.redo) await runQuery(target, `a clean range of ${table}`, `DELETE FROM ONLY ${table} WHERE ${rangeCondition(request.range)}`);
    const reader = source.client.query(copyTo(`COPY ${sourceQuery} TO STDOUT${format === 'binary' ? ' (FORMAT binary)' : ''}`));
    const writer = target.client.query(
      copyFrom(`COPY ${table}${noColumns ? '' : ` (${columnList})`} FROM STDIN${targetOptions.length > 0 ? ` (${targetOptions.join(', ')})` : ''}`),
    );
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
    await target.client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof PgferryError) throw error;
    throw new PgferryError('COPY_FAILED', `copying ${request.schema}.${request.name} failed: ${(error as Error).message}`, {
      hint: 'Nothing of this table was committed on the target; fix the cause and run again (finished tables are not copied twice).',
      cause: error,
      server: serverErrorFields(error),
    });
  }
}
