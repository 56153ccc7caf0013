/**
 * `npm run bench -- sqlite [--size-mb 400] [--rounds 3] [--jobs 2] [--out-dir bench-results]`: pgferry's SQLite
 * source against pgloader on the web-application file of bench/sqlite-dataset.ts, into an embedded PostgreSQL 17.
 *
 * The dataset is generated once (kept in a cache directory under the OS temp directory, keyed by its size) and
 * read once into the OS cache. Every round recreates the target database (template0, UTF8, C.UTF-8) and
 * checkpoints before each timed run; pgferry runs first in odd rounds, pgloader in even ones. Every run's exit
 * code is checked and its copy compared with the SQLite file's row counts by plain queries. pgferry's verify is
 * timed once on its own, after one more (untimed) migrate, since pgloader checks nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { checkpoint, recreateTargetDatabase } from './run-conditions.js';
import { readServerSettings } from './server-settings.js';
import { queryOnce } from './sql.js';
import { writeSqliteDataset } from './sqlite-dataset.js';
import { median, spreadOf, type Spread } from './stats.js';

const usage = 'npm run bench -- sqlite [--size-mb 400] [--rounds 3] [--jobs 2] [--out-dir bench-results]';
const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: {
    'size-mb': { type: 'string', default: '400' },
    rounds: { type: 'string', default: '3' },
    jobs: { type: 'string', default: '2' },
    'out-dir': { type: 'string', default: 'bench-results' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const sizeMb = Number(values['size-mb']);
const rounds = Number(values.rounds);
const jobs = Number(values.jobs);
for (const [name, value] of [['--size-mb', sizeMb], ['--rounds', rounds], ['--jobs', jobs]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (${usage})`);
}
const outDir = values['out-dir'];

const log = (line: string) => process.stderr.write(`${line}\n`);
const startedAt = new Date().toISOString();
const pgferryChild = fileURLToPath(new URL('./pgferry-child.js', import.meta.url));
const pgloaderPath = '/usr/bin/pgloader';
const gnuTime = '/usr/bin/time';
const pgloaderHeapMb = 4096;

type ToolName = 'pgferry' | 'pgloader';

interface ChildRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly ms: number;
  readonly peakRssKb: number | null;
  readonly output: string;
}

interface RunRecord {
  readonly round: number;
  readonly tool: ToolName;
  readonly position: number;
  readonly status: 'complete' | 'incomplete' | 'failed';
  readonly ms: number;
  readonly exitCode: number | null;
  readonly peakRssKb: number | null;
  /** Per table: SQLite rows minus target rows (only tables that differ). */
  readonly missingRows: Readonly<Record<string, number>>;
  readonly note: string | null;
}

/** Peak RSS: GNU time's %M (the child's maxrss) when /usr/bin/time is there, else VmHWM polled from /proc every 50 ms. */
const rssMethod = existsSync(gnuTime) ? 'GNU time %M (max RSS of the process, in KB)' : '/proc/<pid>/status VmHWM polled every 50 ms';

async function runChild(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-bench-time-'));
  const timeFile = join(scratch, 'rss');
  const useTime = existsSync(gnuTime);
  const started = process.hrtime.bigint();
  const child = useTime
    ? spawn(gnuTime, ['-f', '%M', '-o', timeFile, command, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let polledKb = 0;
  const poll = useTime
    ? null
    : setInterval(() => {
        try {
          const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
          if (kb) polledKb = Math.max(polledKb, Number(kb));
        } catch {
          // The process has exited.
        }
      }, 50);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (poll) clearInterval(poll);
  let peakRssKb: number | null = polledKb || null;
  if (useTime) {
    try {
      const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
      const kb = Number(lines[lines.length - 1]);
      peakRssKb = Number.isFinite(kb) ? kb : null;
      // GNU time writes "Command exited with non-zero status N" above the figure; its own exit code is the child's.
    } catch {
      peakRssKb = null;
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  return { code, signal, ms, peakRssKb, output };
}

/** The dataset, generated once per size and kept under the OS temp directory. */
function datasetFile(): { file: string; generatedSeconds: number | null } {
  const dir = join(tmpdir(), 'pgferry-bench-sqlite');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `web-${sizeMb}mb.sqlite`);
  if (existsSync(file)) return { file, generatedSeconds: null };
  const partial = `${file}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  log(`Generating the SQLite dataset (about ${sizeMb} MB) in ${file}…`);
  const result = writeSqliteDataset(partial, sizeMb);
  for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  renameSync(partial, file);
  return { file, generatedSeconds: result.seconds };
}

async function readOnce(file: string): Promise<void> {
  for (const path of [file, `${file}-wal`]) {
    if (!existsSync(path)) continue;
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(path, { highWaterMark: 1 << 20 });
      stream.on('data', () => undefined);
      stream.once('end', resolve);
      stream.once('error', reject);
    });
  }
}

function sqliteCounts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [name, Number((db.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n)]),
    );
  } finally {
    db.close();
  }
}

/** Row count of each SQLite table in the target, found by name in any user schema (pgferry and pgloader both use public here). */
async function targetCounts(url: string, tables: readonly string[]): Promise<Record<string, number | null>> {
  const found = await queryOnce<{ name: string; qualified: string }>(
    url,
    `SELECT c.relname AS name, format('%I.%I', n.nspname, c.relname) AS qualified
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND c.relname = ANY($1::text[])
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
      ORDER BY n.nspname = 'public' DESC`,
    [[...tables]],
  );
  const counts: Record<string, number | null> = {};
  for (const table of tables) {
    const hit = found.find((f) => f.name === table);
    counts[table] = hit ? Number((await queryOnce<{ n: string }>(url, `SELECT count(*) AS n FROM ${hit.qualified}`))[0]!.n) : null;
  }
  return counts;
}

async function shortfalls(url: string, expected: Readonly<Record<string, number>>): Promise<Record<string, number>> {
  const actual = await targetCounts(url, Object.keys(expected));
  const missing: Record<string, number> = {};
  for (const [table, rows] of Object.entries(expected)) {
    const got = actual[table] ?? null;
    if (got !== rows) missing[table] = got === null ? rows : rows - got;
  }
  return missing;
}

function pgloaderUrl(url: string): string {
  return url.replace(/^postgres:\/\//, 'postgresql://');
}

const pgloaderMissing = existsSync(pgloaderPath) ? null : `${pgloaderPath} is not installed (Debian package pgloader)`;

function versionOf(command: string, args: string[]): string | null {
  try {
    const out = spawnSyncText(command, args);
    return out?.trim().split('\n').join('; ') ?? null;
  } catch {
    return null;
  }
}

function spawnSyncText(command: string, args: string[]): string | null {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? `${result.stdout}${result.stderr}` : null;
}

async function runTool(tool: ToolName, file: string, url: string, runDir: string): Promise<ChildRun> {
  if (tool === 'pgferry') {
    return runChild(process.execPath, [pgferryChild, 'migrate', '--from', `sqlite://${file}`, '--to', url, '--no-backup', '--no-verify', '--jobs', String(jobs), '--run-dir', runDir]);
  }
  return runChild(pgloaderPath, ['--dynamic-space-size', String(pgloaderHeapMb), file, pgloaderUrl(url)]);
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

const s = (ms: number) => (ms / 1000).toFixed(1);
const mb = (kb: number | null) => (kb === null ? '—' : `${Math.round(kb / 1024)} MB`);

let server: LocalServer | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void (server?.stop() ?? Promise.resolve()).then(() => process.exit(130)));
}
const runDirs: string[] = [];
try {
  const { file, generatedSeconds } = datasetFile();
  const fileBytes = statSync(file).size;
  log(`Dataset: ${file} (${Math.round(fileBytes / 1048576)} MB${generatedSeconds === null ? ', reused' : `, generated in ${generatedSeconds.toFixed(1)} s`})`);
  const expected = sqliteCounts(file);
  const totalRows = Object.values(expected).reduce((a, b) => a + b, 0);
  log(`Rows: ${totalRows} in ${Object.keys(expected).length} tables (${Object.entries(expected).map(([t, n]) => `${t} ${n}`).join(', ')})`);
  await readOnce(file);

  log('Starting PostgreSQL 17 (target)…');
  server = await startLocalServer({ major: 17, settings: { maintenance_work_mem: '256MB' } });
  const target = server;
  const settings = await readServerSettings(target.url());
  const tools: ToolName[] = pgloaderMissing ? ['pgferry'] : ['pgferry', 'pgloader'];
  if (pgloaderMissing) log(`pgloader: not run — ${pgloaderMissing}`);

  const runs: RunRecord[] = [];
  for (let round = 0; round < rounds; round++) {
    // Round 1, 3, … (odd, counting from 1): pgferry first; round 2, 4, …: pgloader first.
    const order = round % 2 === 0 ? tools : [...tools].reverse();
    for (const [position, tool] of order.entries()) {
      const url = await recreateTargetDatabase(target);
      await readOnce(file);
      await checkpoint(target.url());
      const runDir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-bench-run-'));
      runDirs.push(runDir);
      const run = await runTool(tool, file, url, runDir);
      const okCodes = tool === 'pgferry' ? [0, 3] : [0];
      const exited = run.code !== null && okCodes.includes(run.code);
      const missing = exited ? await shortfalls(url, expected) : {};
      const missingTotal = Object.values(missing).reduce((a, b) => a + b, 0);
      let status: RunRecord['status'];
      let note: string | null = null;
      if (!exited) {
        status = 'failed';
        note = `exit ${run.code ?? run.signal}: ${lastLines(run.output, 6).slice(-1500)}`;
      } else if (missingTotal === 0 && Object.keys(missing).length === 0) {
        status = 'complete';
      } else if (tool === 'pgferry' && run.code === 3 && Object.values(missing).every((n) => n > 0)) {
        // Exit 3: the value policy set rows aside (the reject file); the copy holds the rest.
        status = 'complete';
        note = `${missingTotal} rows set aside by the value policy (${Object.entries(missing).map(([t, n]) => `${t} ${n}`).join(', ')})`;
      } else {
        status = 'incomplete';
        note = `rows missing: ${Object.entries(missing).map(([t, n]) => `${t} ${n}`).join(', ')}`;
      }
      runs.push({ round, tool, position, status, ms: run.ms, exitCode: run.code, peakRssKb: run.peakRssKb, missingRows: missing, note });
      log(`round ${round + 1}: ${tool}: ${s(run.ms)} s, exit ${run.code ?? run.signal}, peak RSS ${mb(run.peakRssKb)}, ${status === 'complete' ? 'copy complete' : status.toUpperCase()}${note ? ` — ${note}` : ''}`);
    }
  }

  // Verify: extra work pgloader does not do, timed once on its own after one more (untimed) pgferry migrate.
  let verify: { ms: number; exitCode: number | null; peakRssKb: number | null; summary: string } | null = null;
  {
    log('Verify: one more pgferry migrate (untimed), then pgferry verify timed once…');
    const url = await recreateTargetDatabase(target);
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-bench-run-'));
    runDirs.push(runDir);
    const migrated = await runTool('pgferry', file, url, runDir);
    if (migrated.code === 0 || migrated.code === 3) {
      await readOnce(file);
      await checkpoint(target.url());
      const run = await runChild(process.execPath, [pgferryChild, 'verify', '--from', `sqlite://${file}`, '--to', url, '--jobs', String(jobs), '--run-dir', runDir]);
      verify = { ms: run.ms, exitCode: run.code, peakRssKb: run.peakRssKb, summary: lastLines(run.output.replace(/\npgferry-(max-rss-kb|cpu-ms) \d+/g, ''), 4).slice(-600) };
      log(`verify: ${s(run.ms)} s, exit ${run.code}, peak RSS ${mb(run.peakRssKb)}`);
    } else {
      log(`verify: not timed — the migrate for it exited ${migrated.code}: ${lastLines(migrated.output, 4)}`);
    }
  }

  const summary = (tool: ToolName) => {
    const complete = runs.filter((r) => r.tool === tool && r.status === 'complete');
    return {
      tool,
      complete: complete.length,
      incomplete: runs.filter((r) => r.tool === tool && r.status === 'incomplete').length,
      failed: runs.filter((r) => r.tool === tool && r.status === 'failed').length,
      seconds: complete.length ? spreadOf(complete.map((r) => r.ms / 1000)) : null,
      peakRssMb: complete.length && complete.every((r) => r.peakRssKb !== null) ? spreadOf(complete.map((r) => r.peakRssKb! / 1024)) : null,
    };
  };
  const summaries = tools.map(summary);
  const sameRound: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const a = runs.find((r) => r.round === round && r.tool === 'pgferry' && r.status === 'complete');
    const b = runs.find((r) => r.round === round && r.tool === 'pgloader' && r.status === 'complete');
    if (a && b) sameRound.push(a.ms / b.ms);
  }
  const pf = summaries.find((x) => x.tool === 'pgferry')?.seconds;
  const pl = summaries.find((x) => x.tool === 'pgloader')?.seconds;
  const ratioOfMedians = pf && pl ? pf.median / pl.median : null;
  const ratioSameRound: Spread | null = sameRound.length ? spreadOf(sameRound) : null;

  const lines = [
    `SQLite bench: ${Math.round(fileBytes / 1048576)} MB file, ${totalRows} rows, PostgreSQL ${settings.server_version}, ${jobs} jobs, ${rounds} rounds, ${cpus().length} CPUs`,
    `target: fsync ${settings.fsync}, synchronous_commit ${settings.synchronous_commit}, full_page_writes ${settings.full_page_writes}, shared_buffers ${settings.shared_buffers}, maintenance_work_mem ${settings.maintenance_work_mem}`,
    `peak RSS: ${rssMethod}`,
    '',
    'tool      median s  min–max s    peak RSS (median)  runs complete/incomplete/failed',
    ...summaries.map(
      (x) =>
        `${x.tool.padEnd(9)} ${x.seconds ? x.seconds.median.toFixed(1).padStart(8) : '       —'}  ${x.seconds ? `${x.seconds.min.toFixed(1)}–${x.seconds.max.toFixed(1)}`.padEnd(11) : '—'.padEnd(11)}  ${x.peakRssMb ? `${Math.round(x.peakRssMb.median)} MB`.padEnd(17) : '—'.padEnd(17)}  ${x.complete}/${x.incomplete}/${x.failed}`,
    ),
    '',
    ratioOfMedians === null
      ? 'pgferry ÷ pgloader: —'
      : `pgferry ÷ pgloader: ${ratioOfMedians.toFixed(2)} (ratio of medians); same-round median ${ratioSameRound!.median.toFixed(2)} (${ratioSameRound!.min.toFixed(2)}–${ratioSameRound!.max.toFixed(2)})`,
    verify ? `pgferry verify (once, after an untimed migrate): ${s(verify.ms)} s, exit ${verify.exitCode}, peak RSS ${mb(verify.peakRssKb)}` : 'pgferry verify: not timed',
    ...runs.filter((r) => r.note).map((r) => `round ${r.round + 1} ${r.tool}: ${r.note}`),
    ...(pgloaderMissing ? [`pgloader: not run — ${pgloaderMissing}`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const results = {
    kind: 'sqlite',
    startedAt,
    options: { sizeMb, rounds, jobs, outDir, pgloaderDynamicSpaceSizeMb: pgloaderHeapMb },
    commands: {
      pgferry: `pgferry migrate --from sqlite://<file> --to <url> --no-backup --no-verify --jobs ${jobs}`,
      pgloader: `pgloader --dynamic-space-size ${pgloaderHeapMb} <file> <url>`,
      verify: `pgferry verify --from sqlite://<file> --to <url> --jobs ${jobs}`,
    },
    dataset: { fileBytes, rows: expected, totalRows, generatedSeconds },
    machine: { cpus: cpus().length, memoryBytes: totalmem(), platform: process.platform, node: process.version },
    server: settings,
    versions: { pgloader: pgloaderMissing ? null : versionOf(pgloaderPath, ['--version']) },
    peakRssMethod: rssMethod,
    notRun: pgloaderMissing ? [{ tool: 'pgloader', reason: pgloaderMissing }] : [],
    runs,
    summary: summaries,
    pgferryOverPgloader: { ratioOfMedians, sameRound: ratioSameRound, sameRoundMedian: sameRound.length ? median(sameRound) : null },
    verify,
  };
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `sqlite-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`Results written to ${out}`);
} finally {
  for (const dir of runDirs) rmSync(dir, { recursive: true, force: true });
  await server?.stop();
}
