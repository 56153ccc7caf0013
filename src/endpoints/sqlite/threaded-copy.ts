/**
 * A SQLite table's COPY text made by a worker thread (copy-worker.ts), as a stream the target pipes through: the
 * main thread only forwards chunks, writes what the value policy set aside among their rows to the reject sink,
 * and gives the worker one more credit for each chunk the stream takes, so memory stays bounded. Once the stream
 * is abandoned (a failure, a cancel), nothing more of this pass is written: the next pass writes the reject file
 * from its start.
 */
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { PgferryError } from '../../errors/pgferry-error.js';
import type { SetAside } from '../table-rows.js';
import { fromThread, type CopyWorkerInput, type CopyWorkerMessage } from './copy-worker-protocol.js';

const workerFile = new URL('./copy-worker.js', import.meta.url);
const credits = 8;

export interface ThreadedCopy {
  readonly stream: Readable;
  /** Rows sent, once the stream has ended. */
  rowsRead(): number;
  stop(): void;
}

export function threadedCopy(input: Omit<CopyWorkerInput, 'credits'>, setAside: (entry: SetAside) => Promise<void>): ThreadedCopy {
  const worker = new Worker(workerFile, { workerData: { ...input, credits } satisfies CopyWorkerInput });
  const what = `reading table ${input.table.sqliteName} in a thread`;
  let rows = 0;
  let owed = 0;
  let writes = Promise.resolve();
  let ended = false;
  let abandoned = false;
  const abandon = () => {
    abandoned = true;
    void worker.terminate();
  };
  const stream = new Readable({
    read() {
      for (; owed > 0; owed -= 1) worker.postMessage('credit');
    },
    destroy(error, callback) {
      abandon();
      callback(error);
    },
  });
  const fail = (error: Error) => {
    if (abandoned || ended) return;
    stream.destroy(error);
  };
  const write = (entry: SetAside) => {
    writes = writes.then(() => (abandoned ? undefined : setAside(entry)));
  };
  worker.on('message', (message: CopyWorkerMessage) => {
    if (abandoned) return;
    if (message.kind === 'chunk') {
      for (const entry of message.aside) write(entry);
      writes.catch(fail);
      if (message.text !== '') stream.push(message.text);
      // The credit comes back once the reject file has taken the chunk's lines and the stream has room (else when
      // the stream asks for more).
      void writes.then(() => {
        if (abandoned) return;
        if (stream.readableLength < stream.readableHighWaterMark) worker.postMessage('credit');
        else owed += 1;
      }, fail);
    } else if (message.kind === 'done') {
      void writes.then(() => {
        rows = message.rows;
        ended = true;
        stream.push(null);
        void worker.terminate();
      }, fail);
    } else fail(fromThread(message.error, what));
  });
  worker.on('error', (error) => fail(fromThread({ message: error?.message ?? String(error) }, what)));
  worker.on('exit', (code) => {
    if (!ended && !abandoned) fail(new PgferryError('SQLITE_READ_FAILED', `${what}: the thread stopped (exit ${code}) before the last row`, { hint: 'Run again; if it goes on, report it with the run directory.' }));
  });
  return { stream, rowsRead: () => rows, stop: abandon };
}
