/**
 * `npm run bench [-- --scale 1 --variant default|index-heavy --rounds 1 --jobs 2]`: generates the dataset in a
 * PostgreSQL 14 source, then copies it into a PostgreSQL 17 target with pgferry and with the tools people use
 * today, alternating, a fresh target database each time, and prints wall time, MB/s and ratios to pgferry.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { tuneLoadSession } from '../src/endpoints/postgres/load-settings.js';
import { exportSnapshot } from '../src/endpoints/postgres/snapshot.js';
import { copyTable } from '../src/endpoints/postgres/table-copy.js';
import { formatBytes } from '../src/model/units.js';
import { datasetSql, notesFloor, type Variant } from './dataset.js';
import { naiveCheck } from './naive-check.js';
import { benchTools, timePgferry, type ToolRun } from './tools.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    variant: { type: 'string', default: 'default' },
    rounds: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '2' },
  },
});
const scale = Number(values.scale);
const variant = values.variant as Variant;
const rounds = Number(values.rounds);
const jobs = Number(values.jobs);

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

async function freshTarget(server: LocalServer): Promise<string> {
  await sql(server.url(), 'DROP DATABASE IF EXISTS bench_target WITH (FORCE)');
  await sql(server.url(), 'CREATE DATABASE bench_target');
  return server.url('bench_target');
}

/** The index-heavy floor: one stream copying the notes table, then its trigram index built on a tuned session. */
async function measureFloor(sourceUrl: string, target: LocalServer): Promise<number> {
  const targetUrl = await freshTarget(target);
  await sql(targetUrl, `CREATE EXTENSION pg_trgm; ${notesFloor.createTable}`);
  const source = new pg.Client({ connectionString: sourceUrl });
  const reader = new pg.Client({ connectionString: sourceUrl });
  const writer = new pg.Client({ connectionString: targetUrl });
  await Promise.all([source.connect(), reader.connect(), writer.connect()]);
  try {
    const started = Date.now();
    const readerSession = { client: reader, label: 'source' };
    await exportSnapshot(readerSession);
    const writerSession = { client: writer, label: 'target' };
    await tuneLoadSession(writerSession, 17);
    await copyTable(readerSession, writerSession, { table: { schema: 'public', name: notesFloor.table }, binary: true });
    await writer.query(notesFloor.slowestIndex);
    return Date.now() - started;
  } finally {
    await Promise.all([source.end(), reader.end(), writer.end()]);
  }
}

const servers: LocalServer[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void Promise.all(servers.map((s) => s.stop())).then(() => process.exit(130)));
}
try {
  process.stderr.write(`Starting PostgreSQL 14 (source) and 17 (target)…\n`);
  const [source, target] = await Promise.all([startLocalServer({ major: 14 }), startLocalServer({ major: 17 })]);
  servers.push(source, target);
  await sql(source.url(), 'CREATE DATABASE bench');
  const sourceUrl = source.url('bench');
  process.stderr.write(`Generating the ${variant} dataset at scale ${scale}…\n`);
  await sql(sourceUrl, datasetSql(scale, variant));
  const size = await sql(
    sourceUrl,
    `SELECT pg_database_size(current_database())::bigint AS db,
            (SELECT sum(pg_table_size(c.oid)) FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace)::bigint AS tables`,
  );
  const tableBytes = Number(size.rows[0].tables);
  process.stderr.write(`Source: ${formatBytes(Number(size.rows[0].db))} on disk, ${formatBytes(tableBytes)} of table data (heap + TOAST).\n`);

  const tools = benchTools(jobs);
  const results = new Map<string, ToolRun[]>();
  for (let round = 1; round <= rounds; round++) {
    for (const tool of tools) {
      if (tool.unavailable) continue;
      const targetUrl = await freshTarget(target);
      process.stderr.write(`round ${round}: ${tool.name}… `);
      const run = await tool.run(sourceUrl, targetUrl);
      process.stderr.write(`${(run.ms / 1000).toFixed(1)} s\n`);
      results.set(tool.name, [...(results.get(tool.name) ?? []), run]);
    }
  }
  const median = (runs: ToolRun[]) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
  const pgferry = median(results.get('pgferry migrate')!);
  const lines = [
    `pgferry bench: ${variant} dataset, scale ${scale}, ${formatBytes(tableBytes)} of table data, PostgreSQL 14 → 17, ${jobs} jobs, median of ${rounds} round(s)`,
    '',
    `${'tool'.padEnd(34)} ${'wall s'.padStart(8)} ${'MB/s'.padStart(8)} ${'× pgferry'.padStart(10)}`,
  ];
  for (const tool of tools) {
    if (tool.unavailable) {
      lines.push(`${tool.name.padEnd(34)} skipped: ${tool.unavailable}`);
      continue;
    }
    const run = median(results.get(tool.name)!);
    const mbps = tableBytes / 1024 / 1024 / (run.ms / 1000);
    lines.push(`${tool.name.padEnd(34)} ${(run.ms / 1000).toFixed(1).padStart(8)} ${mbps.toFixed(0).padStart(8)} ${(run.ms / pgferry.ms).toFixed(2).padStart(10)}`);
  }
  lines.push('', `pgferry peak RSS: ${formatBytes((pgferry.maxRssKb ?? 0) * 1024)}`);
  for (const tool of tools.filter((t) => !t.unavailable && t.name !== 'pgferry migrate')) {
    lines.push(`pgferry / ${tool.name}: ${(pgferry.ms / median(results.get(tool.name)!).ms).toFixed(2)}`);
  }
  // Verification after a pgferry migration: pgferry verify (full and counts only) against the check people write by hand.
  const verifyTarget = await freshTarget(target);
  const migrateRun = await tools[0]!.run(sourceUrl, verifyTarget);
  const full = await timePgferry(['verify', '--from', sourceUrl, '--to', verifyTarget, '--jobs', String(jobs)]);
  const counts = await timePgferry(['verify', '--counts-only', '--from', sourceUrl, '--to', verifyTarget, '--jobs', String(jobs)]);
  const naive = await naiveCheck(sourceUrl, verifyTarget);
  lines.push(
    '',
    `pgferry verify (counts, checksums, schema, sequences): ${(full.ms / 1000).toFixed(1)} s — ${(full.ms / migrateRun.ms).toFixed(2)}× pgferry's migrate of the same data (${(migrateRun.ms / 1000).toFixed(1)} s), ${(naive / full.ms).toFixed(1)}× faster than the naive check`,
    `pgferry verify --counts-only: ${(counts.ms / 1000).toFixed(1)} s`,
    `naive check (per table: count and md5 of every row's text in key order, source then target): ${(naive / 1000).toFixed(1)} s`,
  );
  if (variant === 'index-heavy') {
    const floor = await measureFloor(sourceUrl, target);
    lines.push(`floor (copy notes in one stream + build its trigram index): ${(floor / 1000).toFixed(1)} s; pgferry / floor: ${(pgferry.ms / floor).toFixed(2)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
