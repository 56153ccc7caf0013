/**
 * `npm run bench -- [--size-mb 1000] [--rounds 3] [--tools …]`: generates the dataset in a PostgreSQL 14 source,
 * freezes it, then copies it into a PostgreSQL 17 target with pgferry and with the tools people use today, in
 * rotated order, each run from the same starting line and checked complete; prints and saves medians and
 * same-round ratios (docs/BENCHMARKS.md, "How the bench is fair").
 */
import { cpus, totalmem } from 'node:os';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { renderBenchReport } from './bench-report.js';
import { copyShortfalls, readCopyShape } from './completeness.js';
import { runCopyRounds } from './copy-rounds.js';
import { pgferryOverFloor, summarizeCopies } from './copy-summary.js';
import { measureCriticalPathFloor, type CriticalPathFloor } from './critical-path-floor.js';
import { datasetSql } from './dataset.js';
import { parseBenchOptions } from './options.js';
import { writeResultsFile, type BenchResults } from './results-file.js';
import { freezeSource, recreateTargetDatabase } from './run-conditions.js';
import { readServerSettings } from './server-settings.js';
import { queryOnce } from './sql.js';
import { benchTools, pgClientPath } from './tools.js';
import { runVerifyRounds } from './verify-rounds.js';

const floorMethod =
  'max over tables of (one binary COPY FREEZE stream of the table alone + its slowest index build alone), ' +
  'each after a checkpoint, nothing else running; foreign-key validation and ANALYZE are left out';

const options = parseBenchOptions(process.argv.slice(2));
const log = (line: string) => process.stderr.write(`${line}\n`);
const startedAt = new Date().toISOString();
// Every tool builds indexes with the memory pgferry's load sessions ask for, so no tool wins by a session setting.
const serverSettings: Record<string, string> = {
  maintenance_work_mem: '256MB',
  ...(options.durable ? { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' } : {}),
};

const servers: LocalServer[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void Promise.all(servers.map((s) => s.stop())).then(() => process.exit(130)));
}
try {
  log('Starting PostgreSQL 14 (source) and 17 (target)…');
  const [source, target] = await Promise.all([startLocalServer({ major: 14, settings: serverSettings }), startLocalServer({ major: 17, settings: serverSettings })]);
  servers.push(source, target);
  await queryOnce(source.url(), 'CREATE DATABASE bench');
  const sourceUrl = source.url('bench');
  log(`Generating the ${options.variant} dataset (about ${options.sizeMb} MB of table data)…`);
  await queryOnce(sourceUrl, datasetSql(options.scale, options.variant));
  log('VACUUM (FREEZE, ANALYZE) of the source…');
  await freezeSource(sourceUrl);
  const [size] = await queryOnce<{ db: string; tables: string }>(
    sourceUrl,
    `SELECT pg_database_size(current_database()) AS db,
            (SELECT sum(pg_table_size(c.oid)) FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace) AS tables`,
  );
  const sourceShape = await readCopyShape(sourceUrl);
  const settings = { source: await readServerSettings(source.url()), target: await readServerSettings(target.url()) };

  const tools = benchTools(options.jobs, options.tools);
  const notRun = tools.flatMap((t) => (t.unavailable ? [{ tool: t.name, reason: t.unavailable }] : []));
  for (const { tool, reason } of notRun) log(`${tool}: not run — ${reason}`);
  const available = tools.filter((t) => !t.unavailable);
  const floors: (CriticalPathFloor & { round: number })[] = [];
  const clientPath = pgClientPath();
  const measureFloor = options.variant === 'index-heavy' && clientPath !== null;
  if (options.variant === 'index-heavy' && clientPath === null) log('critical-path floor: not measured — pg_dump and psql are not installed');
  const outcomes = await runCopyRounds({
    tools: available,
    rounds: options.rounds,
    sourceUrl,
    sourceShape,
    target,
    log,
    afterRound: measureFloor
      ? async (round) => {
          const targetUrl = await recreateTargetDatabase(target);
          const floor = await measureCriticalPathFloor(sourceUrl, targetUrl, target.url(), clientPath);
          log(`round ${round + 1}: critical-path floor: ${(floor.floorMs / 1000).toFixed(1)} s (${floor.table})`);
          floors.push({ ...floor, round });
        }
      : undefined,
  });

  let checks: BenchResults['checks'] = null;
  if (available.some((t) => t.id === 'pgferry')) {
    log('Verification: one untimed pgferry migrate, checked complete, then the checks in rotated order…');
    const verifyTarget = await recreateTargetDatabase(target);
    const migrated = await available.find((t) => t.id === 'pgferry')!.run(sourceUrl, verifyTarget).then(
      async () => copyShortfalls(sourceShape, await readCopyShape(verifyTarget)),
      (error: Error) => [`pgferry migrate failed: ${error.message.split('\n')[0]}`],
    );
    if (migrated.length === 0) checks = await runVerifyRounds(sourceUrl, verifyTarget, options.jobs, options.rounds, log);
    else log(`Verification: not timed — the copy for it is not complete: ${migrated.join('; ')}`);
  }

  const results: BenchResults = {
    startedAt,
    options,
    dataset: { variant: options.variant, tableBytes: Number(size!.tables), databaseBytes: Number(size!.db) },
    machine: { cpus: cpus().length, memoryBytes: totalmem(), platform: process.platform, node: process.version },
    servers: settings,
    notRun,
    copies: { summary: summarizeCopies(tools.filter((t) => !t.unavailable), outcomes, options.rounds), runs: outcomes },
    floor: measureFloor ? { method: floorMethod, perRound: floors, pgferryOverFloor: pgferryOverFloor(outcomes, new Map(floors.map((f) => [f.round, f.floorMs]))) } : null,
    checks,
  };
  process.stdout.write(`${renderBenchReport(results)}\n`);
  log(`Results written to ${writeResultsFile(results)}`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
