/**
 * The cutover's read-only fence on a real PostgreSQL 17: the application's sessions are ended (an open transaction's
 * writes with them), a new session cannot write, reads go on, and lifting the fence makes the database writable;
 * a database owner who may not end other roles' sessions is told which were left.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresEndpoint } from '../src/endpoints/open-endpoint.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

async function connected(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('the read-only fence', () => {
  it('ends the sessions writing, refuses new writes, keeps reads, and lifts', async () => {
    const server = await testServer(17);
    const role = `fence_app_${process.pid}`;
    const db = await freshDatabase(server, `CREATE TABLE t (id int); CREATE ROLE ${role} LOGIN PASSWORD 'app-pw'; GRANT ALL ON t TO ${role}`);
    const appUrl = server.url(db.name, role, 'app-pw');
    const idle = await connected(appUrl);
    const writing = await connected(appUrl);
    await writing.query('BEGIN');
    await writing.query('INSERT INTO t VALUES (1)');
    const source = openPostgresEndpoint(db.url, { role: 'source', connectTimeoutSeconds: 5 });
    try {
      const fence = await source.fenceWrites();
      assert.deepEqual([fence.sessionsEnded, fence.sessionsLeft], [2, []]);
      await assert.rejects(idle.query('SELECT 1'));
      await assert.rejects(writing.query('COMMIT'));
      const late = await connected(appUrl);
      await assert.rejects(late.query('INSERT INTO t VALUES (2)'), (e: { code?: string }) => e.code === '25006');
      assert.deepEqual((await late.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 0 }], 'reads go on; the open transaction\'s row is gone');
      await late.end();
      await source.liftWriteFence();
      await withClient(appUrl, (c) => c.query('INSERT INTO t VALUES (3)'));
      assert.deepEqual(await withClient(db.url, async (c) => (await c.query('SELECT id FROM t')).rows), [{ id: 3 }]);
    } finally {
      await source.close();
      await Promise.all([idle.end().catch(() => undefined), writing.end().catch(() => undefined)]);
      await withClient(server.url(), (c) => c.query(`DROP DATABASE ${db.name} WITH (FORCE)`)).catch(() => undefined);
      await withClient(server.url(), (c) => c.query(`DROP ROLE ${role}`)).catch(() => undefined);
    }
  });

  it('as a database owner without the right to end other roles\' sessions, fences and names the sessions left', async () => {
    const server = await testServer(17);
    const owner = `fence_owner_${process.pid}`;
    const other = `fence_other_${process.pid}`;
    await withClient(server.url(), async (c) => {
      await c.query(`CREATE ROLE ${owner} LOGIN PASSWORD 'owner-pw'`);
      await c.query(`CREATE ROLE ${other} LOGIN PASSWORD 'other-pw'`);
      await c.query(`CREATE DATABASE ${owner} OWNER ${owner}`);
    });
    const ownUrl = server.url(owner, owner, 'owner-pw');
    const stranger = await connected(server.url(owner, other, 'other-pw'));
    const mine = await connected(ownUrl);
    const source = openPostgresEndpoint(ownUrl, { role: 'source', connectTimeoutSeconds: 5 });
    try {
      const fence = await source.fenceWrites();
      assert.equal(fence.sessionsEnded, 1, 'its own role\'s session is ended');
      assert.deepEqual(fence.sessionsLeft.map((s) => s.user), [other]);
      await assert.rejects(mine.query('SELECT 1'));
      await assert.rejects(withClient(ownUrl, (c) => c.query('CREATE TABLE u (id int)')), (e: { code?: string }) => e.code === '25006');
      await source.liftWriteFence();
    } finally {
      await source.close();
      await Promise.all([stranger.end().catch(() => undefined), mine.end().catch(() => undefined)]);
      await withClient(server.url(), async (c) => {
        await c.query(`DROP DATABASE ${owner} WITH (FORCE)`);
        await c.query(`DROP ROLE ${owner}`);
        await c.query(`DROP ROLE ${other}`);
      }).catch(() => undefined);
    }
  });
});
