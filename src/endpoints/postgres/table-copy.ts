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
  readonly signal?: AbortSignal;
}

/** `source` must already be inside the shared snapshot transaction; `target` must be idle. */
export async function copyTable(source: Session, target: Session, request: TableCopyRequest): Promise<TableCopyResult> {
  const table = qualifiedName(request.schema, request.name);
  const columnList = request.columns.names.map(quoteIdent).join(', ');
  const format = request.binary && request.columns.binarySafe ? 'binary' : 'text';
  const options = format === 'binary' ? '(FORMAT binary, FREEZE)' : '(FREEZE)';
  await runQuery(target, `a load transaction for ${table}`, 'BEGIN');
  try {
    await runQuery(target, `an empty ${table}`, `TRUNCATE ONLY ${table}`);
    const reader = source.client.query(copyTo(`COPY ${table} (${columnList}) TO STDOUT${format === 'binary' ? ' (FORMAT binary)' : ''}`));
    const writer = target.client.query(copyFrom(`COPY ${table} (${columnList}) FROM STDIN ${options}`));
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
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
