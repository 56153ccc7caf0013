import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preflight, type PreflightResult } from '../src/index.js';
import { startPgBouncer } from './harness/pgbouncer.js';
import { freshDatabase, testServer } from './harness/servers.js';

type Facts = Extract<PreflightResult, { status: 'ready' | 'blocked' }>;

describe('connection poolers', () => {
  it('blocks a target URL that goes through PgBouncer in transaction mode and asks for the direct URL', async () => {
    const source = await freshDatabase(await testServer(16), 'CREATE TABLE t (id int PRIMARY KEY)');
    const targetServer = await testServer(17);
    const target = await freshDatabase(targetServer);
    const bouncer = await startPgBouncer(targetServer, 'transaction');
    try {
      const result = (await preflight({ overrides: { source: source.url, target: bouncer.url(target.name) }, env: {} })) as Facts;
      assert.equal(result.status, 'blocked');
      assert.equal(result.target.inventory.path.kind, 'transaction-pooler');
      const blocker = result.blockers.find((b) => b.code === 'POOLER_IN_PATH');
      assert.match(blocker!.message, /target URL goes through a transaction pooler/);
      assert.match(blocker!.hint!, /direct URL/);
      assert.equal(result.source.inventory.path.kind, 'direct');
    } finally {
      await bouncer.stop();
    }
  });

  it('lets a session pooler through with a warning', async () => {
    const sourceServer = await testServer(16);
    const source = await freshDatabase(sourceServer, 'CREATE TABLE t (id int PRIMARY KEY)');
    const target = await freshDatabase(await testServer(17));
    const bouncer = await startPgBouncer(sourceServer, 'session');
    try {
      const result = (await preflight({ overrides: { source: bouncer.url(source.name), target: target.url }, env: {} })) as Facts;
      assert.equal(result.status, 'ready', JSON.stringify(result.blockers));
      assert.equal(result.source.inventory.path.kind, 'proxy');
      assert.ok(result.warnings.some((w) => w.code === 'PROXY_IN_PATH' && /source connection is relayed/.test(w.message)));
    } finally {
      await bouncer.stop();
    }
  });
});
