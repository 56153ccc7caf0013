/**
 * A worker thread that reads one SQLite table and turns it into COPY text: its own read-only connection on a file
 * no one writes while it reads (the endpoint's snapshot copy, or the file itself when writers wait for the
 * endpoint's lock), the same value policy as the main thread, and COPY text in 64 kB chunks sent as the main
 * thread asks for them. So the tables' reading and converting run on their own cores, beside the sockets.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { encodeCopyTextRow } from '../copy-text.js';
import type { SetAside } from '../table-rows.js';
import { policedRow, rawPages, type RelationalVerdicts } from './sqlite-row-pages.js';
import type { SqliteSourceColumn, SqliteSourceTable } from './sqlite-source-tables.js';
import { threadError, type CopyWorkerInput, type CopyWorkerMessage } from './copy-worker-protocol.js';

const input = workerData as CopyWorkerInput;
const port = parentPort!;
const chunkBytes = 64 * 1024;
/** Set-aside entries sent at most this many at a time, under the same credit as the text. */
const asideBatch = 1_000;
let credits = input.credits;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits += 1;
  wake?.();
  wake = undefined;
});

const post = (message: CopyWorkerMessage) => port.postMessage(message);

async function send(text: string, aside: SetAside[]): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  credits -= 1;
  post({ kind: 'chunk', text, aside });
}

async function copy(table: SqliteSourceTable, columns: readonly SqliteSourceColumn[], relational: RelationalVerdicts): Promise<void> {
  const db = new Database(input.file, { readonly: true, fileMustExist: true, timeout: input.busyMs });
  try {
    db.exec('BEGIN');
    let chunk = '';
    let aside: SetAside[] = [];
    let rows = 0;
    for (const page of rawPages(db, table, columns)) {
      for (const raw of page.rows) {
        const row = policedRow(db, table, columns, raw, page.width, relational);
        aside.push(...row.entries);
        if (row.values) {
          rows += 1;
          chunk += encodeCopyTextRow(row.values);
        }
        if (chunk.length >= chunkBytes || aside.length >= asideBatch) {
          await send(chunk, aside);
          chunk = '';
          aside = [];
        }
      }
    }
    if (chunk || aside.length > 0) await send(chunk, aside);
    post({ kind: 'done', rows });
  } finally {
    db.close();
  }
}

copy(input.table, input.columns, input.relational).catch((error: unknown) => post({ kind: 'error', error: threadError(error) }));
