/**
 * A worker thread that works out what the value policy sets aside (SetAsideTally), on its own read-only connection
 * to a file no one writes while it reads: the scans and foreign-key checks run beside the copies instead of
 * holding up the main thread. It answers one request at a time and keeps what it found.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { PgferryError } from '../../errors/pgferry-error.js';
import { SetAsideTally } from './sqlite-set-aside.js';
import type { TallyRequest, TallyResponse, TallyWorkerInput } from './tally-worker-protocol.js';

const input = workerData as TallyWorkerInput;
const db = new Database(input.file, { readonly: true, fileMustExist: true, timeout: input.busyMs });
db.exec('BEGIN');
const tally = new SetAsideTally(db, input.tables);
const byId = new Map(input.tables.map((t) => [`${t.schema}.${t.name}`, t]));

parentPort!.on('message', (request: TallyRequest) => {
  let response: TallyResponse;
  try {
    const table = byId.get(request.table)!;
    if (request.kind === 'relational') response = { id: request.id, relational: tally.relational(table) };
    else {
      const { table: name, rows, values, examples } = tally.of(table);
      response = { id: request.id, setAside: { table: name, rows, values, examples } };
    }
  } catch (error) {
    response = { id: request.id, error: { message: error instanceof Error ? error.message : String(error), ...(error instanceof PgferryError ? { code: error.code, hint: error.hint } : {}) } };
  }
  parentPort!.postMessage(response);
});
