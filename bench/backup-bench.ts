/**
 * `npm run bench:backup -- [--size-mb 500] [--rounds 3]`: what the backup costs. The dataset in a PostgreSQL 14
 * source (the installed pg_dump can read it), backed up by `pg_dump -Fc` alone, by `pgferry backup` with pg_dump
 * (pg_dump in pgferry's snapshot, plus row counts, roles and the listing), by `pgferry backup` writing the
 * portable archive, and by the portable archive with its test restore into a PostgreSQL 17 scratch database;
 * rotated rounds, each after a checkpoint, medians printed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { datasetSql } from './dataset.js';
import { parseBenchOptions } from './options.js';
import { checkpoint, freezeSource } from './run-conditions.js';
import { queryOnce } from './sql.js';
import { median } from './stats.js';
import { pgClientPath, timePgferry } from './tools.js';

const options = parseBenchOptions(process.argv.slice(2));
const log = (line: string) => process.stderr.write(`${line}\n`);

function bytesUnder(path: string): number {
  const found = statSync(path);
  if (!found.isDirectory()) return found.size;
  return readdirSync(path).reduce((n, entry) => n + bytesUnder(join(path, entry)), 0);
}

interface Way {
  readonly name: string;
  run(sourceUrl: string, targetUrl: string, dir: string): Promise<{ ms: number; maxRssKb?: number }>;
}

const path = pgClientPath();
if (!path) throw new Error('pg_dump is not installed (postgresql-client of Debian): the bench compares with it');

const ways: Way[] = [
  {
    name: 'pg_dump -Fc',
    run: async (sourceUrl, _target, dir) => {
      const started = Date.now();
      execFileSync('pg_dump', ['-Fc', '-f', join(dir, 'out.dump'), '--dbname', sourceUrl], { env: { ...process.env, PATH: path } });
      return { ms: Date.now() - started };
    },
  },
  {
    name: 'pgferry backup (pg_dump)',
    run: (sourceUrl, _target, dir) => timePgferry(['backup', '--from', sourceUrl, '--format', 'pg_dump', '--test-restore', 'never', '--out', join(dir, 'run')]),
  },
  {
    name: 'pgferry backup (portable)',
    run: (sourceUrl, _target, dir) => timePgferry(['backup', '--from', sourceUrl, '--format', 'portable', '--test-restore', 'never', '--out', join(dir, 'run')]),
  },
  {
    name: 'pgferry backup (portable) + test restore',
    run: (sourceUrl, targetUrl, dir) => timePgferry(['backup', '--from', sourceUrl, '--to', targetUrl, '--format', 'portable', '--test-restore', 'always', '--out', join(dir, 'run')]),
  },
];

const servers: LocalServer[] = [];
try {
  log('Starting PostgreSQL 14 (source) and 17 (test restores)…');
  const [source, target] = await Promise.all([startLocalServer({ major: 14 }), startLocalServer({ major: 17 })]);
  servers.push(source, target);
  await queryOnce(source.url(), 'CREATE DATABASE bench');
  const sourceUrl = source.url('bench');
  log(`Generating the ${options.variant} dataset (about ${options.sizeMb} MB of table data)…`);
  await queryOnce(sourceUrl, datasetSql(options.scale, options.variant));
  await freezeSource(sourceUrl);
  const times = new Map<string, number[]>(ways.map((w) => [w.name, []]));
  const sizes = new Map<string, number>();
  const rss = new Map<string, number>();
  for (let round = 0; round < options.rounds; round++) {
    // Rotated: each way runs first once, so none always meets a warm or a cold cache.
    const order = ways.map((_, i) => ways[(i + round) % ways.length]!);
    for (const way of order) {
      await checkpoint(source.url(), target.url());
      const dir = mkdtempSync(join(tmpdir(), 'pgferry-backup-bench-'));
      try {
        const result = await way.run(sourceUrl, target.url('postgres'), dir);
        times.get(way.name)!.push(result.ms);
        sizes.set(way.name, bytesUnder(dir));
        if (result.maxRssKb) rss.set(way.name, Math.max(rss.get(way.name) ?? 0, result.maxRssKb));
        log(`round ${round + 1}: ${way.name} ${(result.ms / 1000).toFixed(1)} s`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const base = median(times.get(ways[0]!.name)!);
  console.log(`\nBackup of about ${options.sizeMb} MB (PostgreSQL 14, ${options.rounds} rotated rounds, medians)\n`);
  console.log('| way | time | vs pg_dump -Fc | size on disk | peak RSS |');
  console.log('|---|---|---|---|---|');
  for (const way of ways) {
    const ms = median(times.get(way.name)!);
    const kb = rss.get(way.name);
    console.log(`| ${way.name} | ${(ms / 1000).toFixed(1)} s | ${(ms / base).toFixed(2)}× | ${(sizes.get(way.name)! / 1024 / 1024).toFixed(0)} MB | ${kb ? `${(kb / 1024).toFixed(0)} MB` : '—'} |`);
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
