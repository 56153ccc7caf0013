/**
 * The reject path of a load: the rows go in batches, each under a savepoint; a batch the target refuses is rolled
 * back and tried row by row, and each row it still refuses goes to the reject sink with the server's reason. Every
 * row is counted, so loaded + rejected = read. Used only after the fast load failed on a refused row.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { LoadTableRequest, LoadTableResult, RejectSink, RowValues, TableRows } from '../endpoint.js';
import { encodeCopyTextRow } from '../copy-text.js';
import { runQuery, type Session } from './run-query.js';
import { serverErrorFields } from './server-error.js';
import { quoteIdent } from './sql.js';
import { rollbackOrClose } from './close-session.js';
import { loadError, prepareLoad } from './load-transaction.js';

const batchRows = 5_000;

/** Copies `rows` as COPY text under a savepoint; resolves to the server's refusal, or undefined when they went in. */
async function tryBatch(target: Session, copy: string, rows: readonly RowValues[], count: (bytes: number) => void): Promise<Error | undefined> {
  await runQuery(target, 'a savepoint', 'SAVEPOINT pgferry_batch');
  try {
    const lines = rows.map(encodeCopyTextRow);
    count(lines.reduce((n, l) => n + Buffer.byteLength(l), 0));
    // One message for the batch: a message per row would be a socket write per row.
    await pipeline(Readable.from([lines.join('')]), target.client.query(copyFrom(copy)));
    await runQuery(target, 'the savepoint', 'RELEASE SAVEPOINT pgferry_batch');
    return undefined;
  } catch (error) {
    if (!serverErrorFields(error).sqlState) throw error;
    await runQuery(target, 'the savepoint', 'ROLLBACK TO SAVEPOINT pgferry_batch');
    return error as Error;
  }
}

export async function loadRowByRow(target: Session, open: () => Promise<TableRows>, request: LoadTableRequest): Promise<LoadTableResult> {
  const what = `${request.table.schema}.${request.table.name}`;
  let rows: TableRows | undefined;
  let sink: RejectSink | undefined;
  let sourceFailed = false;
  try {
    const table = await prepareLoad(target, request);
    rows = await open().catch((error: unknown) => {
      sourceFailed = true;
      throw error;
    });
    const copy = `COPY ${table}${rows.columns.length === 0 ? '' : ` (${rows.columns.map(quoteIdent).join(', ')})`} FROM STDIN`;
    let bytes = 0;
    let loaded = 0;
    let rejected = 0;
    let read = 0;
    const flush = async (batch: RowValues[]) => {
      if (batch.length === 0) return;
      if (!(await tryBatch(target, copy, batch, (n) => (bytes += n)))) {
        loaded += batch.length;
        return;
      }
      for (const row of batch) {
        const refused = await tryBatch(target, copy, [row], () => undefined);
        if (!refused) {
          loaded += 1;
          continue;
        }
        sink ??= await request.rejects!();
        const server = serverErrorFields(refused);
        await sink.write(row, { message: refused.message, ...(server.sqlState ? { sqlState: server.sqlState } : {}), ...(server.detail ? { detail: server.detail } : {}) });
        rejected += 1;
      }
    };
    // Only reading the next row is the source's failure; a failed flush (the target, a savepoint, the reject sink)
    // goes through the target's error path, and is never retried as a lost source connection.
    const source = rows.rows()[Symbol.asyncIterator]();
    const reading = rows;
    const next = async () => {
      try {
        return await source.next();
      } catch (error) {
        sourceFailed = true;
        throw reading.failure(error);
      }
    };
    let batch: RowValues[] = [];
    for (let row = await next(); !row.done; row = await next()) {
      read += 1;
      batch.push(row.value);
      if (batch.length >= batchRows) {
        await flush(batch);
        batch = [];
        request.onProgress?.(bytes);
      }
    }
    await flush(batch);
    await runQuery(target, `the commit of ${table}`, 'COMMIT');
    const setAside = rows.setAside?.() ?? { rows: 0, values: 0 };
    return { rows: loaded, rowsRead: read + setAside.rows, rejected: rejected + setAside.rows, valuesNulled: setAside.values, bytes };
  } catch (error) {
    rows?.cancel();
    await rollbackOrClose(target);
    if (sourceFailed) throw error;
    throw loadError(error, target, what);
  } finally {
    await sink?.close();
  }
}
