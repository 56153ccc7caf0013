import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { databaseCopy, freshDatabase, testServer, type TestServer } from './harness/servers.js';

describe('verify after a 14 → 17 migration', () => {
  let source: { name: string; url: string };
  let targetServer: TestServer;
  let migrated: string;

  /** A fresh copy of the migrated target, with `sql` run in it. */
  const corruptedTarget = (sql: string) => databaseCopy(targetServer, migrated, sql);

  const otherSessionDefaults = `?options=${encodeURIComponent('-c TimeZone=Asia/Tokyo -c extra_float_digits=3')}`;

  before(async () => {
    // Fixture roles renamed: roles belong to the whole server, and other test files create the originals.
    source = await freshDatabase(await testServer(14), fixtureSql('migrate-fixture.sql').replaceAll('mig_', 'verify_src_'));
    targetServer = await testServer(17);
    const target = await freshDatabase(targetServer);
    migrated = target.name;
    // Sessions on the target default to another time zone and float precision (through the connection's options: a
    // database setting would itself be a difference): equal data must still compare equal.
    const run = await cli('migrate', '--from', source.url, '--to', `${target.url}${otherSessionDefaults}`, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-verify-')));
    assert.equal(run.code, 0, run.stderr + run.stdout);
  });

  it('says equal, exit 0: floats, timestamptz, numeric, jsonb, arrays, bytea, NULLs, empty strings and unicode give no false difference', async () => {
    const run = await cli('verify', '--from', source.url, '--to', `${targetServer.url(migrated)}${otherSessionDefaults}`);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /EQUAL: 11 tables, schema and sequences checked/);
    assert.match(run.stdout, /│ ✓ │ app\.orders\s+│ 6,000\s+│ 6,000\s+│ equal/);
  });

  const corruptions: Array<{ what: string; sql: string; expect: RegExp[] }> = [
    { what: 'one column of one row updated', sql: 'UPDATE app.orders SET amount = amount + 1 WHERE id = 17', expect: [/✗ app\.orders\n    different key 17\n      source: \(17,[^\n]*17\.17,/, /target: \(17,[^\n]*18\.17,/] },
    { what: 'a row deleted', sql: 'DELETE FROM app.bookings WHERE id = 42', expect: [/│ ✗ │ app\.bookings\s+│ 300\s+│ 299 /, /missing key 42\n/] },
    { what: 'an extra row', sql: "INSERT INTO public.settings VALUES ('extra', 'row')", expect: [/extra key extra\n      source: \(none\)\n      target: \(extra,row\)/] },
    { what: 'a default changed', sql: 'ALTER TABLE app.orders ALTER COLUMN ratio SET DEFAULT 1.5', expect: [/✗ table app\.orders: columns\.ratio\.defaultValue: source null, target 1\.5/] },
    { what: 'an index dropped', sql: 'DROP INDEX app.orders_big', expect: [/✗ index app\.orders_big on orders: exists: source yes, target missing/] },
    {
      what: 'a constraint left NOT VALID',
      sql: `ALTER TABLE app.orders DROP CONSTRAINT orders_customer_id_fkey;
            ALTER TABLE app.orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES app.customers (id) ON DELETE CASCADE NOT VALID`,
      expect: [/✗ constraint orders_customer_id_fkey on app\.orders: validated: source true, target false/],
    },
    { what: 'a sequence set back', sql: "SELECT setval('app.orders_id_seq', 10)", expect: [/✗ app\.orders_id_seq: last_value 10 on the target, last_value 6000 on the source/] },
    { what: 'an extension dropped', sql: 'DROP EXTENSION pg_trgm CASCADE', expect: [/✗ extension pg_trgm: exists: source yes, target missing/] },
    {
      what: 'one of three equal rows of a table without a key deleted',
      sql: "DELETE FROM app.logs WHERE ctid = (SELECT ctid FROM app.logs WHERE msg = 'duplicate' LIMIT 1)",
      expect: [/│ ✗ │ app\.logs\s+│ 2,003\s+│ 2,002 /, /✗ app\.logs\n    missing key -?\d+\n      source: \(duplicate,"2024-01-01 00:00:00\+00"\)/],
    },
  ];
  for (const c of corruptions) {
    it(`finds ${c.what}, and says exactly where, exit 1`, async () => {
      const target = await corruptedTarget(c.sql);
      const run = await cli('verify', '--from', source.url, '--to', target);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout, /DIFFERENT: \d+ difference\(s\) found/);
      for (const pattern of c.expect) assert.match(run.stdout, pattern);
    });
  }

  it('--counts-only, --tables and --sample narrow the check; a difference outside them is not reported', async () => {
    const target = await corruptedTarget('UPDATE app.orders SET amount = amount + 1 WHERE id = 17');
    const counts = await cli('verify', '--from', source.url, '--to', target, '--counts-only');
    assert.equal(counts.code, 0, counts.stdout);
    assert.match(counts.stdout, /│ ✓ │ app\.orders\s+│ 6,000\s+│ 6,000\s+│ counts only/);
    const others = await cli('verify', '--from', source.url, '--to', target, '--exclude', 'app.orders');
    assert.equal(others.code, 0, others.stdout);
    assert.doesNotMatch(others.stdout, /app\.orders /);
    const only = await cli('verify', '--from', source.url, '--to', target, '--tables', 'app.ord*', '--json');
    assert.equal(only.code, 1);
    const result = JSON.parse(only.stdout);
    assert.deepEqual(result.tables.map((t: { table: string }) => t.table), ['app.orders']);
    assert.equal(result.tables[0].differences[0].key, '17');
    const sampled = await cli('verify', '--from', source.url, '--to', targetServer.url(migrated), '--sample', '10');
    assert.equal(sampled.code, 0, sampled.stdout);
    const orders = /│ ✓ │ app\.orders\s+│ ([\d,]+)/.exec(sampled.stdout)!;
    const n = Number(orders[1]!.replace(/,/g, ''));
    assert.ok(n > 300 && n < 900, `about 10% of 6,000 rows compared, got ${n}`);
  });
});
