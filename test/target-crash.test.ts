import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { tableDigests } from './harness/compare.js';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';
import { isDone, killWhen } from './harness/journal.js';

const fixture = `${fixtureSql('resume-fixture.sql')}
  CREATE UNLOGGED TABLE scratch (id integer PRIMARY KEY, note text NOT NULL);
  INSERT INTO scratch SELECT i, 'scratch ' || i FROM generate_series(1, 5000) i;
  CREATE INDEX scratch_note ON scratch (note);
`;

/** Indexes and constraints by name, read with plain catalog queries (not pgferry's reader). */
async function keysAndIndexes(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ item: string }>(
      `SELECT 'index ' || indexname AS item FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL
       SELECT 'constraint ' || conname || ' validated ' || convalidated FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace
       ORDER BY 1`,
    );
    return rows.map((r) => r.item);
  });
}

describe('a target that crashes mid-run', () => {
  let target: LocalServer | undefined;
  after(async () => target?.stop());

  it('case 8: resumes to an equal target: commits the journal called done survive, the emptied unlogged table is copied again', { timeout: 240_000 }, async () => {
    const source = await freshDatabase(await testServer(16), fixture);
    // Its own server, crashed on purpose; it defaults to synchronous_commit = off like many tuned servers.
    target = await startLocalServer({ major: 17 });
    await withClient(target.url(), (c) => c.query('CREATE DATABASE crashed'));
    const targetUrl = target.url('crashed');
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-crash-'));
    const argv = ['migrate', '--from', source.url, '--to', targetUrl, '--run-dir', runDir, '--jobs', '2'];

    await killWhen(argv, runDir, (steps) => isDone(steps, 'copy:public.scratch') && isDone(steps, 'index:public.scratch_note') && !isDone(steps, 'copy:public.big'));
    // The machine goes down: the target crashes right after pgferry was killed.
    await target.crash();
    await target.restart();
    assert.equal(
      await withClient(targetUrl, async (c) => Number((await c.query('SELECT count(*) AS n FROM scratch')).rows[0].n)),
      0,
      'crash recovery emptied the unlogged table',
    );

    const resumed = await cli(...argv, '--resume');
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout, /STEP_REDONE[^\n]*copy:public\.scratch/);
    assert.deepEqual(await tableDigests(targetUrl), await tableDigests(source.url));
    assert.deepEqual(await keysAndIndexes(targetUrl), await keysAndIndexes(source.url));
  });
});
