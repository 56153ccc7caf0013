import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { exportSnapshot, joinSnapshot } from '../src/endpoints/postgres/snapshot.js';
import type { Session } from '../src/endpoints/postgres/run-query.js';
import { planCopySteps, runCopy } from '../src/phases/copy.js';
import type { TableFacts } from '../src/model/inventory.js';
import { PgferryError } from '../src/errors/pgferry-error.js';
import { fixtureSql } from './harness/fixtures.js';
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

const leafTables: TableFacts[] = ['items', 'parts', 'parts_a', 'parts_b', 'empty_one'].map((name) => ({
  schema: 'public',
  name,
  kind: name === 'parts' ? 'partitioned' : name.startsWith('parts_') ? 'partition' : 'table',
  unlogged: false,
  rows: 0,
  rowsExact: false,
  totalBytes: name === 'items' ? 3_000_000 : 100_000,
  hasPrimaryKey: name !== 'empty_one',
  replicaIdentity: 'default',
}));

/** Row count and a content hash computed by the server itself. */
async function tableDigest(url: string, table: string): Promise<{ n: number; hash: string }> {
  return withClient(url, async (c) => {
    await c.query(`SET TimeZone = 'UTC'; SET extra_float_digits = 1`);
    const { rows } = await c.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS hash FROM ${table} t`);
    return rows[0];
  });
}

for (const [from, to] of [[14, 17], [16, 18]] as const) {
  describe(`copy PostgreSQL ${from} → ${to}`, () => {
    it('streams every leaf table from one snapshot with equal content, generated columns recomputed', async () => {
      const source = await freshDatabase(await testServer(from), fixtureSql('copy-schema.sql') + fixtureSql('copy-data.sql'));
      const target = await freshDatabase(await testServer(to), fixtureSql('copy-schema.sql'));
      try {
        const steps = planCopySteps(leafTables);
        assert.deepEqual(steps.map((s) => s.id), ['copy:public.items', 'copy:public.empty_one', 'copy:public.parts_a', 'copy:public.parts_b']);
        const outcome = await runCopy(steps, { jobs: 2, binary: true, openSource: () => session(source.url), openTarget: () => session(target.url) });
        const byTable = new Map(outcome.copied.map((c) => [c.step.name, c.result]));
        assert.equal(byTable.get('items')!.rows, 20000);
        assert.equal(byTable.get('items')!.rowsRead, 20000);
        assert.equal(byTable.get('items')!.format, 'text', 'an array of a user-defined enum cannot go as binary');
        assert.equal(byTable.get('parts_a')!.format, 'binary');
        assert.equal(byTable.get('parts_a')!.rows + byTable.get('parts_b')!.rows, 6000);
        for (const table of ['items', 'parts', 'empty_one']) {
          assert.deepEqual(await tableDigest(target.url, table), await tableDigest(source.url, table), table);
        }
      } finally {
        await closeAll();
      }
    });
  });
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
      const steps = planCopySteps([{ ...leafTables[4]!, name: 't' }]);
      await assert.rejects(
        runCopy(steps, { jobs: 1, binary: true, openSource: () => session(source.url), openTarget: () => session(target.url) }),
        (e: PgferryError) => e.code === 'COPY_FAILED' && /copying public\.t failed: .*check constraint/.test(e.message),
      );
      const { rows } = await withClient(target.url, (c) => c.query('SELECT array_agg(id ORDER BY id) AS ids FROM t'));
      assert.deepEqual(rows[0].ids, [1, 2], 'the two old rows, untouched');
    } finally {
      await closeAll();
    }
  });
});
