/**
 * The backup phase and `pgferry backup` / `pgferry restore` with PostgreSQL's own tools: a PostgreSQL 15 source
 * (Debian's pg_dump 15 can read it) backed up as a custom-format archive, listed, test-restored, restored into a
 * newer major and compared by the test's own queries; a corrupted backup refused before anything is written; the
 * disk-space refusal; hooks recorded.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { cli } from './harness/cli.js';
import { tableDigests } from './harness/compare.js';
import { catalogInventory } from './harness/oracles/catalog-inventory.js';
import { freshDatabase, testServer, withClient, type TestServer } from './harness/servers.js';

const sourceSql = `
  CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, joined date, balance numeric(12,2), tags text[], profile jsonb);
  CREATE TABLE orders (id serial PRIMARY KEY, customer_id bigint REFERENCES customers, placed_at timestamptz DEFAULT now(), total double precision, note text);
  CREATE INDEX orders_customer ON orders (customer_id);
  CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
  COMMENT ON TABLE customers IS 'people who buy';
  INSERT INTO customers (name, joined, balance, tags, profile)
    SELECT 'customer ' || i, date '2020-01-01' + i, i * 1.25, ARRAY['a', 'b' || i], jsonb_build_object('n', i) FROM generate_series(1, 500) i;
  INSERT INTO orders (customer_id, placed_at, total, note)
    SELECT 1 + i % 500, timestamptz '2024-01-01 00:00+00' + i * interval '1 hour', i * 0.5, CASE WHEN i % 7 = 0 THEN NULL ELSE 'n' || i END FROM generate_series(1, 3000) i;
  SELECT lo_from_bytea(0, convert_to(repeat('large object ', 1000), 'UTF8')), lo_from_bytea(0, '');
`;

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

describe('backup with pg_dump: 15 source, checked on 17, restored into 18', () => {
  let source15: TestServer;
  let server17: TestServer;
  let server18: TestServer;
  let sourceUrl: string;
  let backupRun: string;
  let backupDir: string;
  let work: string;

  before(async () => {
    [source15, server17, server18] = await Promise.all([testServer(15), testServer(17), testServer(18)]);
    sourceUrl = (await freshDatabase(source15, sourceSql)).url;
    work = mkdtempSync(join(tmpdir(), 'pgferry-backup-'));
    backupRun = join(work, 'backup-run');
    backupDir = join(backupRun, 'backup');
    const run = await cli('backup', '--from', sourceUrl, '--to', server17.url('postgres'), '--out', backupRun, '--run-dir', work);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /Report: .*report\.html/);
  });

  test('the archive is pg_dump custom format, listed, test-restored equal, every file with its size and sha256', async () => {
    const manifest = manifestOf(backupDir);
    assert.equal(manifest.kind, 'pg_dump');
    assert.match(manifest.tool.version, /^15\./);
    assert.deepEqual(manifest.largeObjects, { count: 2, bytes: 13000 });
    assert.equal(readFileSync(join(backupDir, 'database.dump')).subarray(0, 5).toString(), 'PGDMP');
    assert.ok(manifest.check.listedEntries > 5, `listed ${manifest.check.listedEntries}`);
    assert.equal(manifest.check.testRestore.status, 'equal', JSON.stringify(manifest.check));
    for (const file of manifest.files) {
      assert.equal(sha256(join(backupDir, file.path)), file.sha256, file.path);
      assert.equal(readFileSync(join(backupDir, file.path)).length, file.bytes, file.path);
    }
    assert.ok(manifest.files.some((f: { role: string }) => f.role === 'roles'), 'roles.sql is in the manifest');
    assert.match(readFileSync(join(backupDir, 'roles.sql'), 'utf8'), /CREATE ROLE/);
    assert.match(readFileSync(join(backupDir, 'manifest.txt'), 'utf8'), /test restore into pgferry_test_restore_\w+: equal/);
    // Counts by the test's own query on the source.
    const counts = await withClient(sourceUrl, async (c) => (await c.query(`SELECT (SELECT count(*) FROM customers) AS c, (SELECT count(*) FROM orders) AS o`)).rows[0]);
    assert.deepEqual(
      Object.fromEntries(manifest.tables.map((t: { table: string; rows: number }) => [t.table, t.rows])),
      { 'public.customers': Number(counts.c), 'public.orders': Number(counts.o) },
    );
    // The run's report shows the backup and its checks.
    const report = JSON.parse(readFileSync(join(backupRun, 'report.json'), 'utf8'));
    assert.equal(report.status, 'backed-up');
    assert.equal(report.backup.manifest.check.listedEntries, manifest.check.listedEntries);
    assert.match(readFileSync(join(backupRun, 'report.md'), 'utf8'), /## Backup[\s\S]*test restore \| equal/);
    // The scratch database is gone.
    const left = await withClient(server17.url('postgres'), async (c) => (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'pgferry_test_restore%'`)).rows);
    assert.deepEqual(left, []);
  });

  test('pgferry restore puts it into an empty 18 database equal to the source', async () => {
    const restored = await freshDatabase(server18);
    // The backup run's directory is enough: restore finds the backup in it.
    const runDir = join(work, 'restore-runs');
    const run = await cli('restore', backupRun, '--to', restored.url, '--run-dir', runDir);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /every table holds the rows the manifest lists/);
    assert.match(run.stdout, /large objects: 2 restored, the manifest lists 2/);
    const [restoreRun] = readdirSync(runDir);
    const report = JSON.parse(readFileSync(join(runDir, restoreRun!, 'report.json'), 'utf8'));
    assert.equal(report.status, 'restored');
    assert.deepEqual(report.restore.tables.map((t: { table: string; restored: number }) => [t.table, t.restored]), [['public.customers', 500], ['public.orders', 3000]]);
    assert.deepEqual(report.restore.largeObjects, { expected: 2, restored: 2 });
    const objects = await withClient(restored.url, async (c) => (await c.query(`SELECT count(*)::int AS n, sum(length(lo_get(oid)))::int AS bytes FROM pg_largeobject_metadata`)).rows[0]);
    assert.deepEqual(objects, { n: 2, bytes: 13000 });
    assert.deepEqual(await tableDigests(restored.url), await tableDigests(sourceUrl));
    assert.deepEqual(await catalogInventory(restored.url), await catalogInventory(sourceUrl));
  });

  for (const [damage, harm, named] of [
    ['a flipped byte', (dir: string) => {
      const file = join(dir, 'database.dump');
      const bytes = readFileSync(file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      writeFileSync(file, bytes);
    }, /database\.dump does not match its sha256/],
    ['a truncated file', (dir: string) => truncateSync(join(dir, 'database.dump'), 1000), /database\.dump has 1000 bytes, the manifest says \d+/],
    ['a missing file', (dir: string) => rmSync(join(dir, 'roles.sql')), /roles\.sql is missing/],
  ] as const) {
    test(`restore refuses a backup with ${damage} before writing anything`, async () => {
      const copy = join(work, `damaged-${damage.replace(/\W/g, '-')}`);
      cpSync(backupDir, copy, { recursive: true });
      harm(copy);
      const target = await freshDatabase(server18);
      const run = await cli('restore', copy, '--to', target.url);
      assert.equal(run.code, 2, run.stdout);
      assert.match(run.stderr, /BACKUP_CORRUPT/);
      assert.match(run.stderr, named);
      const objects = await withClient(target.url, async (c) => (await c.query(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`)).rows[0].n);
      assert.equal(objects, 0);
    });
  }

  test('restore refuses a target that is not empty', async () => {
    const target = await freshDatabase(server18, 'CREATE TABLE already_here (id int)');
    const run = await cli('restore', backupDir, '--to', target.url);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /RESTORE_FAILED[\s\S]*already holds 1 object/);
  });

  test('a backup refuses to start when the disk has less free space than it needs, with the figures', async () => {
    const plan = join(work, 'reserve.yaml');
    writeFileSync(plan, 'backup:\n  reserveMb: 100000000\n');
    const out = join(work, 'no-space');
    const run = await cli('backup', '--plan', plan, '--from', sourceUrl, '--out', out);
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /BACKUP_DISK_FULL/);
    assert.match(run.stderr, /needs up to [\d.]+ \w+ plus [\d.]+ TB kept free .* but .* has [\d.]+ \w+ free; nothing was written/);
    assert.equal(existsSync(join(out, 'backup')), false);
    assert.equal(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).error.code, 'BACKUP_DISK_FULL');
  });

  test('hooks run after the backup with its facts in their environment; their output and exit status are in the manifest', async () => {
    const plan = join(work, 'hooks.yaml');
    writeFileSync(plan, ['backup:', '  testRestore: never', '  hooks:', '    - name: volume-snapshot', '      run: echo "snapshot of $PGFERRY_BACKUP_DIR"; echo "phase $PGFERRY_PHASE" >&2; echo "source $PGFERRY_SOURCE_URL"'].join('\n'));
    const out = join(work, 'with-hooks');
    const run = await cli('backup', '--plan', plan, '--from', sourceUrl, '--out', out);
    assert.equal(run.code, 0, run.stderr);
    const manifest = manifestOf(join(out, 'backup'));
    assert.equal(manifest.hooks.length, 1);
    assert.equal(manifest.hooks[0].exitCode, 0);
    assert.match(manifest.hooks[0].outputTail, new RegExp(`snapshot of ${join(out, 'backup').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(readFileSync(join(out, 'backup', 'hooks', '1-volume-snapshot.log'), 'utf8'), /phase backup/);
    // The hook printed the source URL: kept with its password masked.
    const password = new URL(sourceUrl).password;
    assert.ok(password.length > 0);
    assert.match(readFileSync(join(out, 'backup', 'hooks', '1-volume-snapshot.log'), 'utf8'), /source postgres:\/\/postgres:\*\*\*\*@/);
    assert.ok(!readFileSync(join(out, 'backup', 'hooks', '1-volume-snapshot.log'), 'utf8').includes(password));
    assert.ok(!JSON.stringify(manifest).includes(password));
    assert.equal(manifest.check.testRestore.status, 'skipped');

    writeFileSync(plan, ['backup:', '  hooks:', '    - name: failing', '      run: echo cannot snapshot >&2; exit 3'].join('\n'));
    const failed = await cli('backup', '--plan', plan, '--from', sourceUrl, '--out', join(work, 'failing-hook'));
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /BACKUP_HOOK_FAILED[\s\S]*"failing" exited with 3: cannot snapshot/);
    assert.equal(manifestOf(join(work, 'failing-hook', 'backup')).hooks[0].exitCode, 3);
  });
});

describe('migrate takes the backup first', () => {
  test('15 → 17: the run directory holds a pg_dump backup, test-restored equal, named in the output', async () => {
    const [source15, server17] = await Promise.all([testServer(15), testServer(17)]);
    const source = await freshDatabase(source15, sourceSql);
    const target = await freshDatabase(server17);
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-migrate-backup-'));
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const [pairDir] = readdirSync(runDir).filter((d) => d.startsWith('migrate-'));
    const backupDir = join(runDir, pairDir!, 'backup');
    const manifest = manifestOf(backupDir);
    assert.equal(manifest.kind, 'pg_dump');
    assert.equal(manifest.check.testRestore.status, 'equal');
    assert.match(run.stdout, new RegExp(`Backup: ${backupDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(pg_dump 15\\.\\d+ custom archive, .*test restore equal\\)`));
    assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));

    // The next run of the same pair keeps this backup under a dated name and takes its own.
    const again = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir, '--if-target-not-empty', 'drop');
    assert.equal(again.code, 0, again.stderr + again.stdout);
    const kept = readdirSync(join(runDir, pairDir!)).filter((d) => /^backup-\d/.test(d));
    assert.equal(kept.length, 1);
    assert.equal(manifestOf(join(runDir, pairDir!, kept[0]!)).createdAt, manifest.createdAt);
    assert.notEqual(manifestOf(backupDir).createdAt, manifest.createdAt);
  });
});
