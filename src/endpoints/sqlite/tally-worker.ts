/**
 * A worker thread that works out what the value policy sets aside (SetAsideTally), on its own read-only connection
 * to the endpoint's snapshot copy: the scans and foreign-key checks run beside the copies instead of holding up
 * the main thread. It answers one request at a time and keeps what it found; any failure, opening the file
 * included, is the answer to the request that met it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SetAsideTally } from './sqlite-set-aside.js';
import { threadError } from './copy-worker-protocol.js';
import type { TallyRequest, TallyResponse, TallyWorkerInput } from './tally-worker-protocol.js';

const input = workerData as TallyWorkerInput;
const byId = new Map(input.tables.map((t) => [`${t.schema}.${t.name}`, t]));
let tally: SetAsideTally | undefined;

function opened(): SetAsideTally {
  if (!tally) {
    const db = new Database(input.file, { readonly: true, fileMustExist: true, timeout: input.busyMs });
    db.exec('BEGIN');
    tally = new SetAsideTally(db, input.tables);
  }
  return tally;
}

parentPort!.on('message', (request: TallyRequest) => {
  let response: TallyResponse;
  try {
    const table = byId.get(request.table)!;
    if (request.kind === 'relational') response = { id: request.id, relational: opened().relational(table) };
    else {
      const { table: name, rows, values, examples } = opened().of(table);
      response = { id: request.id, setAside: { table: name, rows, values, examples } };
    }
  } catch (error) {
    response = { id: request.id, error: threadError(error) };
  }
  parentPort!.postMessage(response);
});
