/**
 * A SQLite table's COPY text made by a worker thread (copy-worker.ts), as a stream the target pipes through: the
 * main thread only forwards chunks, writes what the value policy sets aside to the reject sink, and gives the
 * worker one more credit for each chunk the stream takes, so memory stays bounded.
 */
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../../errors/codes.js';
import { PgferryError } from '../../errors/pgferry-error.js';
import type { SetAside, SetAsideCounts } from '../table-rows.js';
import type { CopyWorkerInput, CopyWorkerMessage } from './copy-worker-protocol.js';

const workerFile = new URL('./copy-worker.js', import.meta.url);
const credits = 8;

export interface ThreadedCopy {
  readonly stream: Readable;
  /** Rows sent so far, and what the policy set aside. */
  rowsRead(): number;
  setAside(): SetAsideCounts;
  stop(): void;
}

export function threadedCopy(input: Omit<CopyWorkerInput, 'credits'>, setAside: (entry: SetAside) => Promise<void>): ThreadedCopy {
  const worker = new Worker(workerFile, { workerData: { ...input, credits } satisfies CopyWorkerInput });
  let rows = 0;
  const counts = { rows: 0, values: 0 };
  let owed = 0;
  let writes = Promise.resolve();
  let finished = false;
  const stream = new Readable({
    read() {
      for (; owed > 0; owed -= 1) worker.postMessage('credit');
    },
    destroy(error, callback) {
      finished = true;
      void worker.terminate();
      callback(error);
    },
  });
  const fail = (error: Error) => {
    if (finished) return;
    finished = true;
    stream.destroy(error);
  };
  worker.on('message', (message: CopyWorkerMessage) => {
    if (message.kind === 'chunk') {
      if (stream.push(message.text)) worker.postMessage('credit');
      else owed += 1;
    } else if (message.kind === 'aside') {
      if (message.entry.action === 'rejected') counts.rows += 1;
      else counts.values += 1;
      writes = writes.then(() => setAside(message.entry));
      writes.catch(fail);
    } else if (message.kind === 'done') {
      // The rows are all sent once the reject file holds every line the worker sent before.
      void writes.then(() => {
        rows = message.rows;
        finished = true;
        stream.push(null);
        void worker.terminate();
      }, fail);
    } else {
      const options = message.hint ? { hint: message.hint } : { hint: 'Report this as a bug, with the run directory.' };
      fail(new PgferryError((message.code ?? 'SQLITE_READ_FAILED') as ErrorCode, message.message, options));
    }
  });
  worker.on('error', (error) => fail(new PgferryError('SQLITE_READ_FAILED', `the SQLite copy thread of ${input.table.sqliteName} failed: ${error.message}`, { hint: 'Report this as a bug, with the run directory.', cause: error })));
  worker.on('exit', (code) => {
    if (!finished && code !== 0) fail(new PgferryError('SQLITE_READ_FAILED', `the SQLite copy thread of ${input.table.sqliteName} stopped (exit ${code})`, { hint: 'Report this as a bug, with the run directory.' }));
  });
  return {
    stream,
    rowsRead: () => rows,
    setAside: () => ({ ...counts }),
    stop: () => {
      finished = true;
      void worker.terminate();
    },
  };
}
