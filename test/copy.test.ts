import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { exportSnapshot, joinSnapshot } from '../src/endpoints/postgres/snapshot.js';
import type { Session } from '../src/endpoints/postgres/run-query.js';
import { copyTable } from '../src/endpoints/postgres/table-copy.js';
import { PgferryError } from '../src/errors/pgferry-error.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const opened: pg.Client[] = [];
async function session(url: string): Promise<Session> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  opened.push(client);
  return { client, label: url.replace(/:[^:@]*@/, ':****@') };
}
async function closeAll() {
  await Promise.all(opened.splice(0).map((c) => c.end().catch(() => undefined)));
}

describe('copy safety', () => {
  it('workers see the exported snapshot, not rows committed after it', async () => {
    const source = await freshDatabase(await testServer(17), 'CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 10)');
    try {
      const leader = await session(source.url);
      const snapshot = await exportSnapshot(leader);
      await withClient(source.url, (c) => c.query('INSERT INTO t SELECT generate_series(11, 15)'));
      const worker = await session(source.url);
      await joinSnapshot(worker, snapshot);
      const { rows } = await worker.client.query('SELECT count(*)::int AS n FROM t');
      assert.equal(rows[0].n, 10);
    } finally {
      await closeAll();
    }
  });

  it('a copy that fails midway commits nothing on the target and says which table', async () => {
    const source = await freshDatabase(await testServer(16), 'CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 50000)');
    const target = await freshDatabase(await testServer(17), 'CREATE TABLE t (id int CHECK (id < 40000)); INSERT INTO t VALUES (1), (2)');
    try {
      const reader = await session(source.url);
      await joinSnapshot(reader, await exportSnapshot(await session(source.url)));
      await assert.rejects(
        copyTable(reader, await session(target.url), { table: { schema: 'public', name: 't' }, binary: true }),
        (e: PgferryError) => e.code === 'COPY_FAILED' && /copying public\.t failed on the target: .*check constraint.*\(SQLSTATE 23514\)/.test(e.message),
      );
      const { rows } = await withClient(target.url, (c) => c.query('SELECT array_agg(id ORDER BY id) AS ids FROM t'));
      assert.deepEqual(rows[0].ids, [1, 2], 'the two old rows, untouched');
    } finally {
      await closeAll();
    }
  });
});
