import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { comparableSchema, sequenceValues, tableDigests } from './harness/compare.js';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';
import { killWhen, readSteps, type StepRow } from './harness/journal.js';
import { spawnCli } from './harness/spawn-cli.js';

const moments = {
  'in the middle of the copy': (steps: StepRow[]) => {
    const copies = steps.filter((s) => s.phase === 'copy');
    return copies.some((s) => s.status === 'done') && copies.some((s) => s.status === 'running');
  },
  'during an index build': (steps: StepRow[]) => steps.some((s) => s.phase === 'index' && s.status === 'running' && s.id.includes('big_')),
};

/** Ends the first source session seen running a COPY in `database` (while `child` runs); how many were ended. */
async function terminateFirstCopy(serverUrl: string, database: string, child: { exitCode: number | null }): Promise<number> {
  let terminated = 0;
  await withClient(serverUrl, async (c) => {
    while (terminated === 0 && child.exitCode === null) {
      const { rows } = await c.query(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE datname = $1 AND state = 'active' AND query LIKE 'COPY%'`,
        [database],
      );
      terminated = rows[0].n;
      await sleep(5);
    }
  });
  return terminated;
}

describe('resume after kill -9', () => {
  for (const [when, moment] of Object.entries(moments)) {
    it(`killed ${when}, the same command finishes the run with no duplicate and no missing rows`, async () => {
      const source = await freshDatabase(await testServer(16), fixtureSql('resume-fixture.sql'));
      const target = await freshDatabase(await testServer(17));
      const runDir = mkdtempSync(join(tmpdir(), 'pgferry-resume-'));
      const argv = ['migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir, '--chunk-size-mb', '2', '--jobs', '2'];

      const atKill = await killWhen(argv, runDir, moment);
      const unfinished = atKill.filter((s) => s.status === 'running').map((s) => s.id);
      assert.ok(unfinished.length > 0, 'the run was killed with work in flight');

      const resumed = await cli(...argv, '--resume');
      assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
      assert.match(resumed.stdout, /\(resumed\)/);
      const after = readSteps(runDir);
      for (const id of unfinished) assert.equal(after.find((s) => s.id === id)?.attempts, 2, `${id} was redone once`);
      for (const done of atKill.filter((s) => s.status === 'done')) assert.equal(after.find((s) => s.id === done.id)?.attempts, 1, `${done.id} was not redone`);

      assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
      assert.deepEqual((await comparableSchema(target.url, 17)).indexes, (await comparableSchema(source.url, 16)).indexes);
      assert.deepEqual(await sequenceValues(target.url), await sequenceValues(source.url));
    });
  }

  it('a source session that dies mid-copy is retried on the same snapshot, and the run still finishes', async () => {
    const sourceServer = await testServer(16);
    const source = await freshDatabase(sourceServer, fixtureSql('resume-fixture.sql'));
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-retry-'));
    // Without the backup, whose reads come first (they are retried the same way: the next test).
    const run = spawnCli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir, '--chunk-size-mb', '2', '--jobs', '2', '--no-backup');
    const terminated = await terminateFirstCopy(sourceServer.url(), source.name, run.child);
    const result = await run.exited;
    assert.ok(terminated > 0, 'a copying source session was terminated');
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /! \[COPY_RETRIED\] source connection lost while copying copy:public\.\w+(#\d+)? .*attempt 2 of 4/);
    assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
  });

  it('a source session that dies while the portable backup reads a table is replaced, and the backup still restores equal', async () => {
    const sourceServer = await testServer(16);
    const source = await freshDatabase(sourceServer, fixtureSql('resume-fixture.sql'));
    const out = join(mkdtempSync(join(tmpdir(), 'pgferry-backup-retry-')), 'run');
    const run = spawnCli('backup', '--from', source.url, '--format', 'portable', '--out', out);
    const terminated = await terminateFirstCopy(sourceServer.url(), source.name, run.child);
    const result = await run.exited;
    assert.ok(terminated > 0, 'a copying source session was terminated');
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { warnings: Array<{ code: string; message: string }> };
    assert.ok(report.warnings.some((w) => w.code === 'SOURCE_RETRY' && /attempt 2 of 4/.test(w.message)), JSON.stringify(report.warnings));
    const restored = await freshDatabase(await testServer(17));
    assert.equal((await cli('restore', out, '--to', restored.url)).code, 0);
    assert.deepEqual(await tableDigests(restored.url), await tableDigests(source.url));
  });

  it('steps an earlier attempt committed but did not record are recognised, not failed on, when resumed', async () => {
    const source = await freshDatabase(await testServer(14), fixtureSql('migrate-fixture.sql').replaceAll('mig_', 'resume_src_'));
    const target = await freshDatabase(await testServer(18));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-redo-'));
    const argv = ['migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir];
    assert.equal((await cli(...argv)).code, 0);
    // As if pgferry had been killed after each commit and before its journal write.
    const dir = readdirSync(runDir).find((d) => d.startsWith('migrate-'))!;
    const journal = new Database(join(runDir, dir, 'journal.sqlite'));
    const reopened = journal
      .prepare(`UPDATE steps SET status = 'running', finished_at = NULL WHERE phase NOT IN ('copy', 'schema:pre')`)
      .run().changes;
    journal.prepare(`DELETE FROM run WHERE key = 'finished_at'`).run();
    journal.close();
    assert.ok(reopened > 40, `${reopened} steps reopened`);
    const resumed = await cli(...argv, '--resume');
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
    assert.deepEqual((await comparableSchema(target.url, 18)).indexes, (await comparableSchema(source.url, 14)).indexes);
  });

  it('a finished run is not resumed: --resume says there is nothing to resume, and a new run is refused on the non-empty target', async () => {
    const source = await freshDatabase(await testServer(16), 'CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)');
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-resume-'));
    const argv = ['migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir];
    assert.equal((await cli(...argv)).code, 0);
    const resume = await cli(...argv, '--resume');
    assert.equal(resume.code, 2);
    assert.match(resume.stderr, /error \[NOTHING_TO_RESUME\]: there is no unfinished run of this source and target/);
    const again = await cli(...argv);
    assert.equal(again.code, 1, again.stdout);
    assert.match(again.stdout, /TARGET_NOT_EMPTY/);
  });
});
