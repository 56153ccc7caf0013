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
/** Sessions a run may hold beyond its jobs: the run lock and a schema reader on the target, the snapshot leader on the source. */
const sessionsBeyondJobs = 2;
/** A session left idle longer than this (outside a transaction) is one pgferry forgot to close. */
const idleLimitSeconds = 5;

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Sampled every 50 ms outside pgferry: the most sessions on `database` at once (besides the sampler), and the
 * longest a session sat idle, outside a transaction (the one holding the run's advisory lock aside, which must stay).
 */
function sessionSampler(url: string, database: string): { stop(): Promise<{ peak: number; idleSeconds: number }> } {
  const client = new pg.Client({ connectionString: url });
  let peak = 0;
  let idleSeconds = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const sample = await client
        .query<{ n: number; idle: number }>(
          `SELECT count(*)::int AS n,
                  coalesce(max(extract(epoch FROM now() - a.state_change)) FILTER (
                    WHERE a.state = 'idle' AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory')), 0)::float8 AS idle
             FROM pg_stat_activity a WHERE a.datname = $1 AND a.pid <> pg_backend_pid()`,
          [database],
        )
        .catch(() => null);
      if (sample) {
        peak = Math.max(peak, sample.rows[0]!.n);
        idleSeconds = Math.max(idleSeconds, sample.rows[0]!.idle);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { peak, idleSeconds };
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
      const [sourceSessions, targetSessions] = await Promise.all(samplers.map((s) => s.stop()));
      assert.ok(result.status === 'migrated', JSON.stringify(result).slice(0, 3000));
      assert.equal(result.verification?.differences, 0, JSON.stringify(result.verification).slice(0, 3000));
      assert.deepEqual(await query(target.url(database), relationCounts), await query(source.url(database), relationCounts));
      for (const table of sampleTables) {
        const count = `SELECT count(*)::int AS n, coalesce(sum(id), 0)::int AS ids FROM ${table}`;
        assert.deepEqual(await query(target.url(database), count), await query(source.url(database), count), table);
      }
      for (const [side, sessions] of [['source', sourceSessions!], ['target', targetSessions!]] as const) {
        assert.ok(sessions.peak <= jobs + sessionsBeyondJobs, `${sessions.peak} sessions on the ${side} at once`);
        assert.ok(sessions.idleSeconds < idleLimitSeconds, `a session sat idle on the ${side} for ${sessions.idleSeconds.toFixed(1)} s`);
      }
      const codes = result.warnings.map((w) => w.code);
      assert.ok(codes.every((c) => c === 'SCHEMA_CHECK_INCOMPLETE'), JSON.stringify(result.warnings).slice(0, 2000));
      assert.deepEqual(await query(target.url(), 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database]), [{ n: 0 }]);
    });
  }
});
