import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import pg from 'pg';
import { databaseIdentity, postgresConnectionConfig } from '../src/endpoints/postgres/connection-config.js';
import { Journal } from '../src/run/journal.js';
import { runPathsFor } from '../src/run/run-paths.js';
import { tableDigests } from './harness/compare.js';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';
import { spawnCli } from './harness/spawn-cli.js';

const fixture = 'CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY, note text); INSERT INTO app.items SELECT g, md5(g::text) FROM generate_series(1, 2000) g';

/** Advisory locks granted on the target database, read apart from pgferry. */
async function advisoryLocks(url: string): Promise<number> {
  return withClient(url, async (c) => (await c.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows[0].n);
}

describe('issue 8 case 12: two runs at once', () => {
  it('case 12: a second migrate into the same target, by the same run directory or another route, is refused while the first runs; the first finishes equal', async () => {
    const server = await testServer(17);
    const source = await freshDatabase(await testServer(16), fixture);
    const target = await freshDatabase(server);
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-concurrent-'));
    // Hold the first run inside its work: it waits for this lock on the source table.
    const blocker = new pg.Client({ connectionString: source.url });
    await blocker.connect();
    await blocker.query('BEGIN; LOCK TABLE app.items IN ACCESS EXCLUSIVE MODE');
    const first = spawnCli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir);
    try {
      for (let i = 0; (await advisoryLocks(target.url)) === 0; i += 1) {
        assert.ok(i < 600, 'the first run never took its lock on the target');
        await sleep(50);
      }
      const sameDir = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir);
      assert.equal(sameDir.code, 2, sameDir.stdout + sameDir.stderr);
      assert.match(sameDir.stderr, /error \[RUN_IN_PROGRESS\]: target .*another pgferry migrate is writing into this database \(backend pid \d+/);
      const otherRoute = `postgres://postgres:${server.password}@${hostname()}:${server.port}/${target.name}`;
      const otherDir = await cli('migrate', '--from', source.url, '--to', otherRoute, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-concurrent-')), '--if-target-not-empty', 'drop');
      assert.equal(otherDir.code, 2, otherDir.stdout + otherDir.stderr);
      assert.match(otherDir.stderr, /RUN_IN_PROGRESS/);
    } finally {
      await blocker.query('COMMIT');
      await blocker.end();
    }
    const done = await first.exited;
    assert.equal(done.code, 0, done.stdout + done.stderr);
    assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
    assert.equal(await advisoryLocks(target.url), 0, 'the lock ends with the run');
  });

  it('case 12: a second run of the same pair in a run directory whose journal another run holds is refused, and can run once it is released', async () => {
    const source = await freshDatabase(await testServer(16), fixture);
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-concurrent-'));
    const identity = (url: string) => databaseIdentity(postgresConnectionConfig(url).address);
    const held = Journal.open(runPathsFor(runDir, identity(source.url), identity(target.url)), 'held by another run');
    try {
      const second = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir);
      assert.equal(second.code, 2, second.stdout + second.stderr);
      assert.match(second.stderr, /error \[RUN_IN_PROGRESS\]: another pgferry migrate is using the run journal/);
      assert.equal(await withClient(target.url, async (c) => (await c.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'app'`)).rows[0].n), 0);
    } finally {
      held.close();
    }
  });
});
