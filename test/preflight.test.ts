import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { preflight, type PreflightResult } from '../src/index.js';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

type Ready = Extract<PreflightResult, { status: 'ready' | 'blocked' }>;

for (const [from, to] of [[14, 17], [16, 18]] as const) {
  describe(`preflight PostgreSQL ${from} → ${to}`, () => {
    it('reports every fact of the fixture with exact row counts, and nothing blocks', async () => {
      const source = await freshDatabase(await testServer(from), fixtureSql('preflight-fixture.sql'));
      const target = await freshDatabase(await testServer(to));
      const runDir = join(mkdtempSync(join(tmpdir(), 'pgferry-run-')), 'run');
      const app = new pg.Client({ connectionString: source.url, application_name: 'billing-worker' });
      await app.connect();
      try {
        const result = await preflight({ overrides: { source: source.url, target: target.url, runDir }, env: {} });
        assert.equal(result.status, 'ready', JSON.stringify(result.status === 'failed' ? result.error : result.blockers));
        const r = result as Ready;
        const inv = r.source.inventory;

        assert.equal(inv.server.major, from);
        assert.equal(r.target.inventory.server.major, to);
        assert.ok(inv.server.databaseBytes > 1_000_000);

        const expected = await withClient(source.url, async (c) => {
          const counts = new Map<string, number>();
          for (const t of inv.tables) {
            const only = t.kind === 'partitioned' ? '' : 'ONLY ';
            const { rows } = await c.query(`SELECT count(*)::int AS n FROM ${only}"${t.schema}"."${t.name}"`);
            counts.set(`${t.schema}.${t.name}`, rows[0].n);
          }
          return counts;
        });
        assert.deepEqual(new Map(inv.tables.map((t) => [`${t.schema}.${t.name}`, t.rows])), expected);
        assert.ok(inv.tables.every((t) => t.rowsExact));
        assert.equal(expected.get('public.users'), 1000);
        assert.equal(expected.get('sales.orders'), 300);

        const table = (name: string) => inv.tables.find((t) => `${t.schema}.${t.name}` === name)!;
        assert.equal(table('sales.orders').kind, 'partitioned');
        assert.equal(table('sales.orders_2024').kind, 'partition');
        assert.equal(table('public.cache').unlogged, true);
        assert.equal(table('public.events_log').hasPrimaryKey, false);
        assert.ok(table('public.users').totalBytes > 0);

        assert.deepEqual(inv.schemas, ['public', 'sales']);
        assert.deepEqual(inv.extensions.map((e) => e.name).filter((n) => n !== 'plpgsql'), ['pg_trgm', 'pgcrypto', 'uuid-ossp']);
        const versions = await withClient(source.url, (c) => c.query(`SELECT extname, extversion FROM pg_extension`));
        for (const row of versions.rows) assert.equal(inv.extensions.find((e) => e.name === row.extname)?.version, row.extversion);

        const role = (name: string) => inv.roles.find((x) => x.name === name);
        assert.ok(role('fixture_owner')!.ownedObjects >= 1, 'owner of sales.orders');
        assert.ok(role('fixture_reader')!.grants >= 1, 'grantee on users');

        assert.deepEqual(inv.server.connections, [{ user: 'postgres', application: 'billing-worker', count: 1 }]);
        assert.deepEqual(
          inv.migrationTables.map((m) => [m.tool, m.table, m.currentVersion, m.entries]),
          [
            ['alembic', 'alembic_version', 'ae1027a6acf', 1],
            ['rails/ecto', 'schema_migrations', '20240301000000', 2],
          ],
        );
        assert.deepEqual(inv.sequences.map((s) => [s.schema, s.name, s.lastValue]), [['public', 'users_id_seq', '1000']]);
        assert.equal(inv.largeObjects, 1);
        assert.equal(inv.largeObjectBytes, 'a large object'.length);
        assert.deepEqual(inv.unsupported, []);
        assert.equal(inv.path.kind, 'direct');
        assert.equal(inv.collation.provider, 'libc');

        const codes = r.warnings.map((w) => w.code);
        assert.ok(codes.includes('TABLES_WITHOUT_KEY') && codes.includes('SOURCE_IN_USE'), codes.join());
        assert.match(r.warnings.find((w) => w.code === 'TABLES_WITHOUT_KEY')!.message, /public\.events_log/);
        assert.equal(r.target.inventory.existingObjectCount, 0);
        assert.equal(existsSync(runDir), false, 'preflight writes nothing');
      } finally {
        await app.end();
      }
    });
  });
}

describe('preflight output', () => {
  it('prints facts as text and the same content as JSON, exit 0 when ready', async () => {
    const source = await freshDatabase(await testServer(16), fixtureSql('preflight-fixture.sql'));
    const target = await freshDatabase(await testServer(17));
    const text = await cli('preflight', '--from', source.url, '--to', target.url);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Blockers: none/);
    assert.match(text.stdout, /│ public\.users\s+│ table\s+│ 1,000 /);
    assert.match(text.stdout, /sales\.orders\s+│ partitioned\s+│ 300 /);
    assert.match(text.stdout, /alembic public\.alembic_version at ae1027a6acf/);
    assert.match(text.stdout, /Large objects: 1, 14 B/);
    assert.match(text.stdout, /READY: no blockers/);
    assert.doesNotMatch(text.stdout, new RegExp((await testServer(16)).password), 'password masked');

    const json = await cli('preflight', '--from', source.url, '--to', target.url, '--json', '--estimate');
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.status, 'ready');
    assert.equal(parsed.source.inventory.tables.length, 8);
    assert.equal(parsed.source.inventory.tables[0].rowsExact, false, '--estimate uses planner statistics');
    assert.doesNotMatch(json.stdout, new RegExp((await testServer(16)).password));
  });
});
