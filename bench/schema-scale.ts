/**
 * `npm run bench:schema [-- --tables 10000 --parents 200 --partitions 50 --jobs 2 --target-max-connections 20 --targets both|small|default]`:
 * migrates (and verifies) schemas of many relations between servers with the default max_locks_per_transaction,
 * and prints each phase's wall time, pgferry's peak RSS and the most sessions pgferry held on each server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { formatBytes } from '../src/model/units.js';
import { manyPartitions, manyTables, type SchemaShape } from './schema-shapes.js';

const { values } = parseArgs({
  options: {
    tables: { type: 'string', default: '10000' },
    parents: { type: 'string', default: '200' },
    partitions: { type: 'string', default: '50' },
    jobs: { type: 'string', default: '2' },
    'target-max-connections': { type: 'string', default: '20' },
    'max-locks': { type: 'string', default: '64' },
    only: { type: 'string' },
    /** both: a target with max_connections 100 and one with the smaller limit; small: only the latter; default: only the former. */
    targets: { type: 'string', default: 'both' },
  },
});
const jobs = Number(values.jobs);
const maxLocks = values['max-locks']!;

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Samples the sessions connected to `database` (other than the sampler's own) every 100 ms; returns the peak. A
 * sample the server refuses (its lock table full) is counted, not fatal.
 */
function connectionSampler(server: LocalServer, database: string): { stop(): Promise<{ peak: number; refused: string[] }> } {
  const client = new pg.Client({ connectionString: server.url() });
  let peak = 0;
  const refused: string[] = [];
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      try {
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
        peak = Math.max(peak, rows[0]!.n);
      } catch (error) {
        refused.push((error as Error).message);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await client.end();
  })().catch((error: unknown) => void refused.push(String(error)));
  return {
    stop: async () => {
      running = false;
      await loop;
      return { peak, refused };
    },
  };
}

interface RunFigures {
  readonly code: number | null;
  readonly phases: Array<{ phase: string; ms: number }>;
  readonly maxRssKb: number;
  readonly wallMs: number;
  readonly tail: string;
}

const pgferryChild = fileURLToPath(new URL('./pgferry-child.js', import.meta.url));

/** Runs `pgferry migrate --json` in a child process; phase times come from its phase:end events. */
async function migrate(source: string, target: string): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-schema-bench-'));
  const started = Date.now();
  const child = spawn(process.execPath, [pgferryChild, 'migrate', '--json', '--no-backup', '--from', source, '--to', target, '--run-dir', dir, '--jobs', String(jobs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const phases: Array<{ phase: string; ms: number }> = [];
  let buffered = '';
  let tail = '';
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line.includes('"phase:end"')) {
        const event = JSON.parse(line) as { phase: string; ms: number };
        phases.push({ phase: event.phase, ms: event.ms });
      }
      if (line.includes('"result"') || line.includes('"status"')) tail = line.slice(0, 3000);
    }
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
  return { code, phases, maxRssKb: Number(/pgferry-max-rss-kb (\d+)/.exec(stderr)?.[1] ?? 0), wallMs: Date.now() - started, tail: tail || stderr.slice(-3000) };
}

const servers: LocalServer[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void Promise.all(servers.map((s) => s.stop())).then(() => process.exit(130)));
}
try {
  const settings = { max_locks_per_transaction: maxLocks };
  const targetMaxConnections = values['target-max-connections']!;
  process.stderr.write(`Starting PostgreSQL 16 (source) and 17 (targets: max_connections 100 and ${targetMaxConnections}), max_locks_per_transaction ${maxLocks}…\n`);
  const [source, target, smallTarget] = await Promise.all([
    startLocalServer({ major: 16, settings }),
    startLocalServer({ major: 17, settings }),
    startLocalServer({ major: 17, settings: { ...settings, max_connections: targetMaxConnections } }),
  ]);
  servers.push(source, target, smallTarget);
  const shapes: SchemaShape[] = [manyTables(Number(values.tables)), manyPartitions(Number(values.parents), Number(values.partitions))].filter(
    (s) => !values.only || s.name.includes(values.only),
  );
  const lines = [`pgferry schema-scale bench: PostgreSQL 16 → 17, ${jobs} jobs, max_locks_per_transaction ${maxLocks} on every server`, ''];
  for (const [index, shape] of shapes.entries()) {
    const database = `shape${index}`;
    await sql(source.url(), `CREATE DATABASE ${database}`);
    process.stderr.write(`Building ${shape.name}… `);
    const built = Date.now();
    for (const statement of shape.statements) await sql(source.url(database), statement);
    process.stderr.write(`${((Date.now() - built) / 1000).toFixed(0)} s\n`);
    const targets = [['target max_connections 100', target], [`target max_connections ${targetMaxConnections}`, smallTarget]] as const;
    for (const [label, server] of targets.filter(([, s]) => (values.targets === 'small' ? s === smallTarget : values.targets === 'default' ? s === target : true))) {
      await sql(server.url(), `CREATE DATABASE ${database}`);
      process.stderr.write(`  migrate into ${label}… `);
      const samplers = [connectionSampler(source, database), connectionSampler(server, database)];
      const run = await migrate(source.url(database), server.url(database));
      const [sourceSessions, targetSessions] = await Promise.all(samplers.map((s) => s.stop()));
      process.stderr.write(`exit ${run.code}, ${(run.wallMs / 1000).toFixed(0)} s\n`);
      lines.push(`${shape.name} (${shape.leafTables} tables holding rows) → ${label}: exit ${run.code}, wall ${(run.wallMs / 1000).toFixed(1)} s`);
      lines.push(`  ${run.phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)} s`).join(', ')}`);
      lines.push(`  peak RSS ${formatBytes(run.maxRssKb * 1024)}; most sessions at once: source ${sourceSessions!.peak}, target ${targetSessions!.peak}`);
      for (const [side, sessions] of [['source', sourceSessions!], ['target', targetSessions!]] as const) {
        if (sessions.refused.length > 0) lines.push(`  ${side}: ${sessions.refused.length} session sample(s) refused by the server, first: ${sessions.refused[0]}`);
      }
      if (run.code !== 0) lines.push(`  ${run.tail}`);
      await sql(server.url(), `DROP DATABASE ${database} WITH (FORCE)`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
