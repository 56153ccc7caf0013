/**
 * What the value policy sets aside, asked for by the copy and by verify: worked out on the main thread
 * (SetAsideTally), or by a worker thread beside the copies when there is a file threads can read.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { PgferryError } from '../../errors/pgferry-error.js';
import type { TableSetAside } from '../endpoint.js';
import type { RelationalVerdicts } from './sqlite-row-pages.js';
import { SetAsideTally } from './sqlite-set-aside.js';
import type { SqliteSourceTable } from './sqlite-source-tables.js';
import type { TallyRequest, TallyResponse, TallyWorkerInput } from './tally-worker-protocol.js';
import { fromThread } from './copy-worker-protocol.js';

export interface SetAsideSource {
  /** Verdicts of the rows the table's foreign keys decide, before the table is read. */
  relational(table: SqliteSourceTable): Promise<RelationalVerdicts>;
  /** Everything the policy sets aside of the table. */
  of(table: SqliteSourceTable): Promise<TableSetAside>;
  /** The tables answered so far that have something set aside. */
  counted(): TableSetAside[];
  close(): Promise<void>;
}

export function localSetAside(db: Database.Database, tables: readonly SqliteSourceTable[]): SetAsideSource {
  const tally = new SetAsideTally(db, tables);
  return {
    relational: async (table) => tally.relational(table),
    of: async (table) => tally.of(table),
    counted: () => tally.counted(),
    close: async () => undefined,
  };
}

const workerFile = new URL('./tally-worker.js', import.meta.url);

export function threadSetAside(input: TallyWorkerInput): SetAsideSource {
  const worker = new Worker(workerFile, { workerData: input satisfies TallyWorkerInput });
  const waiting = new Map<number, { resolve: (r: TallyResponse) => void; reject: (e: Error) => void }>();
  const answered = new Map<string, TableSetAside>();
  let next = 0;
  /** Set once the thread is gone: every question since gets this answer at once, never a wait. */
  let gone: Error | undefined;
  const failAll = (error: Error) => {
    gone ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', (response: TallyResponse) => {
    const entry = waiting.get(response.id);
    waiting.delete(response.id);
    entry?.resolve(response);
  });
  const what = 'working out what the value policy sets aside, in a thread';
  worker.on('error', (error) => failAll(fromThread({ message: error?.message ?? String(error) }, what)));
  worker.on('exit', (code) => failAll(new PgferryError('SQLITE_READ_FAILED', `${what}: the thread stopped (exit ${code})`, { hint: 'Run again; if it goes on, report it with the run directory.' })));
  const ask = async (table: SqliteSourceTable, kind: TallyRequest['kind']): Promise<TallyResponse> => {
    if (gone) throw gone;
    const id = next++;
    const response = await new Promise<TallyResponse>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, table: `${table.schema}.${table.name}`, kind } satisfies TallyRequest);
    });
    if ('error' in response) throw fromThread(response.error, `${what} (table ${table.sqliteName})`);
    return response;
  };
  return {
    relational: async (table) => {
      if (table.foreignKeys.length === 0) return new Map();
      const response = await ask(table, 'relational');
      return 'relational' in response ? response.relational : new Map();
    },
    of: async (table) => {
      const known = answered.get(`${table.schema}.${table.name}`);
      if (known) return known;
      const response = await ask(table, 'of');
      if (!('setAside' in response)) throw new PgferryError('INTERNAL', 'the set-aside thread answered another question', { hint: 'Report this as a bug.' });
      answered.set(response.setAside.table, response.setAside);
      return response.setAside;
    },
    counted: () => [...answered.values()].filter((t) => t.rows > 0 || t.values > 0),
    close: async () => {
      failAll(new PgferryError('INTERNAL', 'the SQLite source was closed while a question to its set-aside thread was pending', { hint: 'Report this as a bug.' }));
      await worker.terminate();
    },
  };
}
