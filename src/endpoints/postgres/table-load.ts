/**
 * The target side of a copy: truncates (or clears a key range) and loads in one transaction, so a failed or aborted
 * load leaves the table as it was (CopyFail is sent when the stream is destroyed) and a retry starts clean. Rows a
 * PostgreSQL source sends in COPY format are piped straight through; any other row stream is written as COPY text.
 * When the target refuses a row and the request has a reject sink, the load is done again row by row
 * (reject-load.ts). Every wait is bounded; a failure on either side closes what the copy left half-way.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { LoadTableRequest, LoadTableResult } from '../endpoint.js';
import type { TableRows } from '../table-rows.js';
import { encodeCopyTextRow } from '../copy-text.js';
import { rollbackOrClose } from './close-session.js';
import { loadError, prepareLoad } from './load-transaction.js';
import { progressCounter } from './progress-counter.js';
import { loadRowByRow } from './reject-load.js';
import { runQuery, type Session } from './run-query.js';
import { serverErrorFields } from './server-error.js';
import { quoteIdent } from './sql.js';

/** SQLSTATE classes of a row the target cannot take: data exceptions (22) and integrity violations (23). */
const refusedRow = /^2[23]/;

/** Load failures where the target refused a row (the reject path can take those). */
const refusals = new WeakSet<object>();

/** Failures raised by the source's side of a load: passed on as the source reported them. */
class SourceSideFailure extends Error {
  constructor(readonly original: unknown) {
    super('source side failure');
  }
}

/** `target` must be idle. */
export async function loadTable(target: Session, open: (binary: boolean) => Promise<TableRows>, request: LoadTableRequest): Promise<LoadTableResult> {
  try {
    return await pipeLoad(target, open, request);
  } catch (error) {
    if (!request.rejects || typeof error !== 'object' || error === null || !refusals.has(error)) throw error;
    return loadRowByRow(target, () => open(false), request);
  }
}

async function pipeLoad(target: Session, open: (binary: boolean) => Promise<TableRows>, request: LoadTableRequest): Promise<LoadTableResult> {
  const what = `${request.table.schema}.${request.table.name}`;
  let rows: TableRows | undefined;
  // Which end failed first: the other one is then only torn down with that error.
  let failedFirst: 'source' | 'target' | undefined;
  try {
    const table = await prepareLoad(target, request);
    const opened = await open(request.binary).catch((error: unknown) => Promise.reject(new SourceSideFailure(error)));
    rows = opened;
    const source = opened.copyData?.stream ?? Readable.from(encodeRows(opened));
    const format = opened.copyData?.format ?? 'text';
    source.once('error', () => (failedFirst ??= 'source'));
    const noColumns = opened.columns.length === 0;
    // FREEZE needs the table truncated in the same transaction, so only a whole-table load can use it.
    const options = [...(format === 'binary' ? ['FORMAT binary'] : []), ...(request.range ? [] : ['FREEZE'])];
    const writer = target.client.query(
      copyFrom(`COPY ${table}${noColumns ? '' : ` (${opened.columns.map(quoteIdent).join(', ')})`} FROM STDIN${options.length > 0 ? ` (${options.join(', ')})` : ''}`),
    );
    writer.once('error', () => (failedFirst ??= 'target'));
    const counter = progressCounter(request.onProgress);
    await pipeline(source, counter.stream, writer, ...(request.signal ? [{ signal: request.signal }] : []));
    await runQuery(target, `the commit of ${table}`, 'COMMIT');
    const setAside = opened.setAside?.() ?? { rows: 0, values: 0 };
    return { rows: writer.rowCount, rowsRead: opened.rowsRead() + setAside.rows, rejected: setAside.rows, valuesNulled: setAside.values, bytes: counter.bytes() };
  } catch (error) {
    rows?.cancel();
    await rollbackOrClose(target);
    if (error instanceof SourceSideFailure) throw error.original;
    if (failedFirst === 'source' && rows) throw rows.failure(error);
    const failure = loadError(error, target, what);
    if (refusedRow.test(serverErrorFields(error).sqlState ?? '')) refusals.add(failure);
    throw failure;
  }
}

/** About this much COPY text goes in one message: a message per row would be a socket write per row. */
const chunkBytes = 64 * 1024;

async function* encodeRows(rows: TableRows): AsyncIterable<string> {
  let chunk = '';
  for await (const row of rows.rows()) {
    chunk += encodeCopyTextRow(row);
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
