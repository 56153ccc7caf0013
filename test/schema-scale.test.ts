/**
 * Schemas of many relations on servers with small lock tables (max_locks_per_transaction = 10) and a target with
 * max_connections = 12: the same limits 10,000 tables meet at the defaults, met here with 600. Migrate must never
 * run out of lock slots or connections, and must hold no more sessions than its jobs and a few.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { migrate } from '../src/api/migrate.js';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { manyPartitions, manyTables, type SchemaShape } from '../bench/schema-shapes.js';

const jobs = 2;
/** Sessions a run may hold beyond its jobs: the run lock and the schema session on the target, the snapshot leader on the source. */
const sessionsBeyondJobs = 3;

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Peak number of sessions on `database` (besides the sampler), sampled every 50 ms outside pgferry. */
function sessionSampler(url: string, database: string): { stop(): Promise<number> } {
  const client = new pg.Client({ connectionString: url });
  let peak = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const rows = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]).catch(() => null);
      if (rows) peak = Math.max(peak, rows.rows[0]!.n);
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return peak;
    },
  };
}

/** Relations of each kind in the user schemas, read from the catalog (the oracle, apart from pgferry's readers). */
const relationCounts = `SELECT c.relkind::text AS kind, count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname ~ '^(s\\d|p)$' GROUP BY 1 ORDER BY 1`;

describe('600 relations, max_locks_per_transaction = 10, a target with max_connections = 12', () => {
  let source: LocalServer;
  let target: LocalServer;

  before(async () => {
    [source, target] = await Promise.all([
      startLocalServer({ major: 14, settings: { max_locks_per_transaction: '10', max_connections: '20' } }),
      startLocalServer({ major: 17, settings: { max_locks_per_transaction: '10', max_connections: '12' } }),
    ]);
  });
  after(async () => Promise.all([source?.stop(), target?.stop()]));

  const shapes: Array<{ shape: SchemaShape; database: string; sampleTables: string[] }> = [
    { shape: manyTables(600), database: 'many_tables', sampleTables: ['s1.t1', 's0.t300', 's9.t599'] },
    { shape: manyPartitions(12, 50), database: 'many_partitions', sampleTables: ['p.pt1', 'p.pt12_50', 'p.pt7'] },
  ];
  for (const { shape, database, sampleTables } of shapes) {
    it(`migrates and verifies ${shape.name} with at most ${jobs} + ${sessionsBeyondJobs} sessions on each side`, async () => {
      await query(source.url(), `CREATE DATABASE ${database}`);
      for (const statement of shape.statements) await query(source.url(database), statement);
      await query(target.url(), `CREATE DATABASE ${database}`);
      const samplers = [sessionSampler(source.url(), database), sessionSampler(target.url(), database)];
      const runDir = mkdtempSync(join(tmpdir(), 'pgferry-scale-'));
      const result = await migrate({ overrides: { source: source.url(database), target: target.url(database), runDir, jobs } });
      const [sourcePeak, targetPeak] = (await Promise.all(samplers.map((s) => s.stop()))) as [number, number];
      assert.ok(result.status === 'migrated', JSON.stringify(result).slice(0, 3000));
      assert.equal(result.verification?.differences, 0, JSON.stringify(result.verification).slice(0, 3000));
      assert.deepEqual(await query(target.url(database), relationCounts), await query(source.url(database), relationCounts));
      for (const table of sampleTables) {
        const count = `SELECT count(*)::int AS n, coalesce(sum(id), 0)::int AS ids FROM ${table}`;
        assert.deepEqual(await query(target.url(database), count), await query(source.url(database), count), table);
      }
      assert.ok(sourcePeak <= jobs + sessionsBeyondJobs, `${sourcePeak} sessions on the source at once`);
      assert.ok(targetPeak <= jobs + sessionsBeyondJobs, `${targetPeak} sessions on the target at once`);
      assert.deepEqual(await query(target.url(), 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database]), [{ n: 0 }]);
    });
  }
});
