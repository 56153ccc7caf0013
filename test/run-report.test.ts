import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { killWhen, readSteps, type StepRow } from './harness/journal.js';
import { spawnCli } from './harness/spawn-cli.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

// Table names a report must escape: HTML and Markdown special characters, quotes.
const weirdTable = `odd <b>&"'|name`;
const fixture = `
  CREATE SCHEMA app;
  CREATE TABLE app.small (id int PRIMARY KEY, note text);
  INSERT INTO app.small SELECT g, 'n' || g FROM generate_series(1, 7) g;
  CREATE TABLE app.medium (id int PRIMARY KEY, note text);
  INSERT INTO app.medium SELECT g, md5(g::text) FROM generate_series(1, 1234) g;
  CREATE TABLE app.big (id bigint PRIMARY KEY, body text NOT NULL);
  INSERT INTO app.big SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) FROM generate_series(1, 60000) g;
  CREATE TABLE app."${weirdTable.replace(/"/g, '""')}" (id int PRIMARY KEY);
  INSERT INTO app."${weirdTable.replace(/"/g, '""')}" SELECT generate_series(1, 3);
`;

interface ReportJson {
  command: string;
  status: string;
  finished: boolean;
  error: { code: string; message: string; hint?: string } | null;
  attempts: Array<{ status: string }>;
  phases: Array<{ attempt: number; phase: string; status: string; endedAt: string | null }>;
  tables: Array<{ table: string; rows: number; bytes: number; chunks: number }>;
  preflight: { blockers: Array<{ code: string }>; source: { tableCount: number } } | null;
  verification: { differences: number; tables: Array<{ table: string }> } | null;
  writeDowntime: unknown;
  backup: { dir: string; manifest: { files: Array<{ path: string; bytes: number }> } } | null;
  plan: { source: string; target: string };
}

/** The one command run directory of `prefix` in `runDir`. */
function commandDir(runDir: string, prefix: string): string {
  const dirs = readdirSync(runDir).filter((d) => d.startsWith(`${prefix}-`));
  assert.equal(dirs.length, 1, `one ${prefix} directory in ${readdirSync(runDir).join(', ')}`);
  return join(runDir, dirs[0]!);
}

function readReport(dir: string): ReportJson {
  for (const file of ['report.md', 'report.html', 'report.json']) assert.ok(existsSync(join(dir, file)), `${file} is written`);
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportJson;
}

/** Every file the run wrote for its record, as text: none may hold the password. */
function recordTexts(dir: string): string {
  return readdirSync(dir).filter((f) => /^(report|events)/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}

describe('the run report', () => {
  it('a migrate 15 → 17 writes report.md, report.html and report.json: the phases it ran, and per table the rows the target holds', async () => {
    const sourceServer = await testServer(15);
    const targetServer = await testServer(17);
    const source = await freshDatabase(sourceServer, fixture);
    const target = await freshDatabase(targetServer);
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-report-'));
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir, '--chunk-size-mb', '1', '--json');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; phase?: string; reports?: { html: string } });
    const emittedPhases = lines.filter((e) => e.type === 'phase:start').map((e) => e.phase);
    const result = lines.at(-1)!;
    assert.equal(result.type, 'result');

    const dir = commandDir(runDir, 'migrate');
    assert.equal(result.reports?.html, join(dir, 'report.html'), 'the result names the report');
    const report = readReport(dir);
    assert.equal(report.command, 'migrate');
    assert.equal(report.status, 'migrated');
    assert.equal(report.finished, true);
    assert.deepEqual(report.phases.map((p) => p.phase), emittedPhases, 'the execution log lists the phases the run emitted, in order');
    assert.deepEqual(emittedPhases, ['preflight', 'backup', 'provision', 'schema:pre', 'load', 'schema:post', 'verify']);
    assert.ok(report.phases.every((p) => p.status === 'done' && p.endedAt !== null));
    assert.equal(report.writeDowntime, null);

    // Rows per table: the target's own count(*), and every table of the source is there.
    const counts = await withClient(target.url, async (c) => {
      const tables = (await c.query(`SELECT n.nspname || '.' || c.relname AS name, format('%I.%I', n.nspname, c.relname) AS quoted FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'app' ORDER BY 1`)).rows as Array<{ name: string; quoted: string }>;
      const out = new Map<string, number>();
      for (const t of tables) out.set(t.name, (await c.query(`SELECT count(*)::int AS n FROM ${t.quoted}`)).rows[0].n);
      return out;
    });
    assert.deepEqual(new Map(report.tables.map((t) => [t.table, t.rows])), counts);
    assert.deepEqual([...counts.values()].sort((a, b) => a - b), [3, 7, 1234, 60000]);
    assert.ok(report.tables.find((t) => t.table === 'app.big')!.chunks > 1, 'app.big was copied in chunks, summed in the report');
    assert.ok(report.tables.every((t) => t.bytes > 0));
    assert.equal(report.verification?.differences, 0);
    assert.equal(report.preflight?.source.tableCount, 4);
    // The backup migrate took, as its backup:done event described it: each file there with the size listed.
    assert.ok(report.backup && report.backup.manifest.files.length > 0, 'the backup is in the report');
    for (const file of report.backup.manifest.files) assert.equal(statSync(join(report.backup.dir, file.path)).size, file.bytes, file.path);

    const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
    assert.match(markdown, /## Execution log\n\n\| attempt \| phase \| start \| end \| duration \| status \| notes \|\n/);
    for (const phase of emittedPhases) assert.match(markdown, new RegExp(`\\| 1 \\| ${phase} \\| [^|]+ \\| [^|]+ \\| [^|]+ \\| done \\|`));
    assert.ok(markdown.includes('app.odd &lt;b&gt;&amp;"\'\\|name'), 'the odd name is escaped in Markdown');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.ok(html.includes('app.odd &lt;b&gt;&amp;&quot;&#39;|name'), 'the odd name is escaped in HTML');
    assert.ok(!html.includes('<b>&'), 'no markup from a table name');
    assert.doesNotMatch(html, /<(script|link|img)\b|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'nothing is fetched');
    assert.ok(!recordTexts(dir).includes(sourceServer.password) && !recordTexts(dir).includes(targetServer.password), 'no password in the log or reports');
    assert.match(report.plan.source, /:\*\*\*\*@/);
  });

  it('a run refused by the target and a run blocked by preflight still write their reports, with the error code and the blockers', async () => {
    const server = await testServer(17);
    const source = await freshDatabase(await testServer(15), fixture);
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-report-failed-'));
    const missing = server.url('no_such_database_here');
    const failed = await cli('migrate', '--from', source.url, '--to', missing, '--run-dir', runDir);
    assert.equal(failed.code, 2, failed.stderr);
    assert.match(failed.stderr, /DATABASE_NOT_FOUND/);
    assert.match(failed.stderr, /Report: .*report\.html/);
    const failedReport = readReport(commandDir(runDir, 'migrate'));
    assert.equal(failedReport.status, 'failed');
    assert.equal(failedReport.error?.code, 'DATABASE_NOT_FOUND');
    assert.match(readFileSync(join(commandDir(runDir, 'migrate'), 'report.md'), 'utf8'), /\*\*DATABASE_NOT_FOUND\*\*/);

    const occupied = await freshDatabase(server, 'CREATE TABLE already_here (id int)');
    const blockedDir = mkdtempSync(join(tmpdir(), 'pgferry-report-blocked-'));
    const blocked = await cli('migrate', '--from', source.url, '--to', occupied.url, '--run-dir', blockedDir);
    assert.equal(blocked.code, 1, blocked.stderr + blocked.stdout);
    const blockedReport = readReport(commandDir(blockedDir, 'migrate'));
    assert.equal(blockedReport.status, 'blocked');
    assert.ok(blockedReport.preflight?.blockers.some((b) => b.code === 'TARGET_NOT_EMPTY'));
    assert.deepEqual(blockedReport.phases.map((p) => [p.phase, p.status]), [['preflight', 'done']]);

    const verified = await cli('verify', '--from', source.url, '--to', missing, '--run-dir', runDir);
    assert.equal(verified.code, 2);
    const verifyReport = readReport(commandDir(runDir, 'verify'));
    assert.equal(verifyReport.command, 'verify');
    assert.equal(verifyReport.error?.code, 'DATABASE_NOT_FOUND');
  });

  it('a migrate killed with SIGKILL during the load leaves a log that `pgferry report` renders as not finished; the resumed run reports both attempts', async () => {
    const source = await freshDatabase(await testServer(15), fixture);
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-report-killed-'));
    const argv = ['migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir, '--chunk-size-mb', '1', '--jobs', '1'];
    const inTheLoad = (steps: StepRow[]) => steps.some((s) => s.phase === 'copy' && s.status === 'done');
    await killWhen(argv, runDir, inTheLoad);
    const dir = commandDir(runDir, 'migrate');
    assert.ok(!existsSync(join(dir, 'report.json')), 'a killed process renders nothing itself');

    const rendered = await cli('report', dir);
    assert.equal(rendered.code, 0, rendered.stderr);
    assert.match(rendered.stdout, /migrate \(did not finish: the run did not finish\)/);
    const killed = readReport(dir);
    assert.equal(killed.status, 'did not finish');
    assert.equal(killed.finished, false);
    const load = killed.phases.find((p) => p.phase === 'load');
    assert.equal(load?.status, 'interrupted', JSON.stringify(killed.phases));
    assert.equal(load?.endedAt, null);
    assert.ok(killed.tables.some((t) => t.rows > 0), 'the copies done before the kill are in the report');
    assert.match(readFileSync(join(dir, 'report.md'), 'utf8'), /the run did not finish/);
    // The backup was taken before the kill: the report says the source is unchanged and names the backup.
    assert.equal(killed.backup?.dir, join(dir, 'backup'));
    assert.ok(existsSync(join(dir, 'backup', 'manifest.json')));
    assert.match(readFileSync(join(dir, 'report.md'), 'utf8'), new RegExp(`The source was not changed: migrate only reads it\\. Its backup, taken before anything was written, is ${join(dir, 'backup').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    const resumed = await cli(...argv);
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    const both = readReport(dir);
    assert.equal(both.status, 'migrated');
    assert.deepEqual(both.attempts.map((a) => a.status), ['did not finish', 'migrated']);
    assert.equal(both.tables.find((t) => t.table === 'app.big')?.rows, 60000, 'chunks copied before and after the kill add up once');

    // A new run of the finished pair starts a new log; the finished run's journal, log and reports are kept under its finish time.
    const again = await cli(...argv, '--if-target-not-empty', 'drop');
    assert.equal(again.code, 0, again.stderr + again.stdout);
    const kept = readdirSync(dir).filter((f) => /^(journal|events|report)-\d{4}-/.test(f)).map((f) => f.replace(/-\d{4}-.*?(\.\w+)$/, '$1')).sort();
    assert.deepEqual(kept, ['events.ndjson', 'journal.sqlite', 'report.html', 'report.json', 'report.md']);
    assert.deepEqual(readReport(dir).attempts.map((a) => a.status), ['migrated']);
  });

  it('a migrate stopped with SIGINT (Ctrl-C) during the load renders its report before it exits 130: interrupted', async () => {
    const source = await freshDatabase(await testServer(15), fixture);
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-report-sigint-'));
    const run = spawnCli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir, '--chunk-size-mb', '1', '--jobs', '1');
    for (let i = 0; !readSteps(runDir).some((s) => s.phase === 'copy' && s.status === 'done'); i += 1) {
      assert.ok(i < 6000, 'the copy never started');
      await sleep(5);
    }
    run.child.kill('SIGINT');
    const exited = await run.exited;
    assert.equal(exited.code, 130, exited.stderr);
    const report = readReport(commandDir(runDir, 'migrate'));
    assert.equal(report.status, 'interrupted');
    assert.equal(report.finished, false);
    assert.equal(report.phases.find((p) => p.phase === 'load')?.status, 'interrupted', JSON.stringify(report.phases));
  });
});
