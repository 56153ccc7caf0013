import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { tableDigests } from './harness/compare.js';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';
import { isDone, journalPath, killWhen } from './harness/journal.js';

async function scalar(url: string, sql: string): Promise<unknown> {
  return withClient(url, async (c) => Object.values((await c.query(sql)).rows[0] as object)[0]);
}

describe('resume never ends in a dead end', () => {
  it('case 10: killed between the schema transaction\'s COMMIT and its journal entry, the same command finishes instead of failing on "already exists"', async () => {
    const source = await freshDatabase(
      await testServer(14),
      `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
       CREATE TABLE diary (id integer PRIMARY KEY, mood mood NOT NULL, note text);
       INSERT INTO diary SELECT i, (ARRAY['sad', 'ok', 'happy']::mood[])[1 + i % 3], 'day ' || i FROM generate_series(1, 500) i;
       CREATE INDEX diary_mood ON diary (mood);`,
    );
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-deadend-'));
    const argv = ['migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir];
    const first = await cli(...argv);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    // Target and journal as a kill right after the schema's COMMIT leaves them: the pre-data schema committed,
    // nothing after it; the schema step started (its transaction id recorded), nothing after it.
    await withClient(target.url, (c) => c.query('ALTER TABLE diary DROP CONSTRAINT diary_pkey; DROP INDEX diary_mood; TRUNCATE diary'))
    const journal = new Database(journalPath(runDir)!);
    const schemaSteps = journal.prepare(`UPDATE steps SET status = 'running', finished_at = NULL WHERE phase = 'schema:pre'`).run().changes;
    journal.prepare(`DELETE FROM steps WHERE phase <> 'schema:pre'`).run();
    journal.prepare(`DELETE FROM run WHERE key IN ('finished_at', 'copy_plan', 'source_state')`).run();
    journal.close();
    assert.ok(schemaSteps >= 1);

    const resumed = await cli(...argv, '--resume');
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
    assert.equal(await scalar(target.url, `SELECT count(*)::int FROM pg_type WHERE typname = 'mood'`), 1);
  });

  it('case 10: drop mode recreates an extension that lived in a dropped schema (a trigram index still builds)', async () => {
    const sql = `CREATE EXTENSION pg_trgm;
                 CREATE TABLE words (id integer PRIMARY KEY, word text NOT NULL);
                 INSERT INTO words SELECT i, md5(i::text) FROM generate_series(1, 200) i;
                 CREATE INDEX words_trgm ON words USING gin (word gin_trgm_ops);`;
    const source = await freshDatabase(await testServer(16), sql);
    const target = await freshDatabase(await testServer(17), `CREATE EXTENSION pg_trgm; CREATE TABLE old_stuff (id int);`);
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-deadend-')), '--if-target-not-empty', 'drop');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(await scalar(target.url, `SELECT count(*)::int FROM pg_extension WHERE extname = 'pg_trgm'`), 1);
    assert.equal(await scalar(target.url, `SELECT count(*)::int FROM pg_indexes WHERE indexname = 'words_trgm'`), 1);
    assert.equal(await scalar(target.url, `SELECT to_regclass('public.old_stuff') IS NULL`), true);
  });

  it('case 10: a resume after the source was written names the changed tables and refuses; --recopy-changed copies them again and ends equal', async () => {
    const sourceServer = await testServer(16);
    const source = await freshDatabase(sourceServer, fixtureSql('resume-fixture.sql'));
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-deadend-'));
    const argv = ['migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir, '--jobs', '2', '--chunk-size-mb', '0'];
    await killWhen(argv, runDir, (steps) => isDone(steps, 'copy:public.child') && !isDone(steps, 'copy:public.big'));
    // The application writes on: a new parent and a child row that needs it.
    await withClient(source.url, (c) => c.query(`INSERT INTO big VALUES (600001, 'late', 1); INSERT INTO child VALUES (20001, 600001, 'late child')`));
    await sleep(1500);

    const refused = await cli(...argv, '--resume');
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /SOURCE_CHANGED[^\n]*public\.child/);
    assert.match(refused.stderr, /--recopy-changed/);

    const recopied = await cli(...argv, '--resume', '--recopy-changed');
    assert.equal(recopied.code, 0, recopied.stdout + recopied.stderr);
    assert.match(recopied.stdout, /SOURCE_CHANGED[^\n]*copied again from the new snapshot: public\.child/);
    assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
  });
});

describe('schemas larger than one transaction can lock', () => {
  let target: LocalServer | undefined;
  after(async () => target?.stop());

  it('case 11: 1,500 tables migrate to a target whose lock table holds far fewer', { timeout: 300_000 }, async () => {
    const tables = Array.from({ length: 1500 }, (_, i) => `CREATE TABLE t${i} (id integer, v integer); INSERT INTO t${i} VALUES (${i}, 1);`).join('\n');
    const source = await freshDatabase(await testServer(16), tables);
    // 10 locks × 12 backends = 120 lock slots (plus some spare shared memory): one transaction creating 1,500
    // tables runs out of shared memory.
    const fewLocks = { max_locks_per_transaction: '10', max_connections: '10', max_worker_processes: '0', max_wal_senders: '0', autovacuum_max_workers: '1' };
    target = await startLocalServer({ major: 17, settings: fewLocks });
    await withClient(target.url(), (c) => c.query('CREATE DATABASE many'));
    const run = await cli('migrate', '--from', source.url, '--to', target.url('many'), '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-many-')), '--no-verify');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(await scalar(target.url('many'), `SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public'`), 1500);
    assert.equal(await scalar(target.url('many'), 'SELECT v + id FROM t1499'), 1500);
  });
});
