import assert from 'node:assert/strict';
import { filesBeyondRunRecord } from './harness/run-record.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tableDigests } from './harness/compare.js';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { freshDatabase, testServer, withClient, type TestServer } from './harness/servers.js';

/** Every user object on a database, to show a refused run wrote nothing. */
async function objectList(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `SELECT c.relkind::text || ' ' || n.nspname || '.' || c.relname AS o FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       UNION ALL SELECT 'schema ' || nspname FROM pg_namespace
       UNION ALL SELECT 'extension ' || extname FROM pg_extension ORDER BY 1`,
    );
    return rows.map((r) => r.o);
  });
}

async function limitedRole(server: TestServer, database: string, name: string): Promise<string> {
  await withClient(server.url(), (c) => c.query(`DO $$ BEGIN CREATE ROLE ${name} LOGIN PASSWORD 'limited-pw'; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`));
  return server.url(database, name, 'limited-pw');
}

describe('migrate refuses, changing nothing', () => {
  const cases: Array<{ name: string; code: string; setup: () => Promise<{ source: string; target: string; targetUrlAs?: string }> }> = [
    {
      name: 'a target that is not empty',
      code: 'TARGET_NOT_EMPTY',
      setup: async () => ({
        source: (await freshDatabase(await testServer(16), 'CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)')).url,
        target: (await freshDatabase(await testServer(17), 'CREATE TABLE leftover (id int); INSERT INTO leftover VALUES (7)')).url,
      }),
    },
    {
      name: 'a target older than the source',
      code: 'TARGET_OLDER_THAN_SOURCE',
      setup: async () => ({
        source: (await freshDatabase(await testServer(17), 'CREATE TABLE t (id int PRIMARY KEY)')).url,
        target: (await freshDatabase(await testServer(14))).url,
      }),
    },
    {
      name: 'an extension the target does not offer',
      code: 'EXTENSION_MISSING_ON_TARGET',
      setup: async () => ({
        source: (await freshDatabase(await testServer(16), 'CREATE EXTENSION adminpack; CREATE TABLE t (id int)')).url,
        target: (await freshDatabase(await testServer(18))).url,
      }),
    },
    {
      name: 'a target role without CREATE',
      code: 'NO_CREATE_PRIVILEGE',
      setup: async () => {
        const server = await testServer(17);
        const target = await freshDatabase(server);
        return {
          source: (await freshDatabase(await testServer(15), 'CREATE SCHEMA sales; CREATE TABLE sales.t (id int)')).url,
          target: target.url,
          targetUrlAs: await limitedRole(server, target.name, 'limited_app'),
        };
      },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: exit 1, ${c.code} named, target untouched, nothing in the run directory but its report`, async () => {
      const { source, target, targetUrlAs } = await c.setup();
      const before = await objectList(target);
      const runDir = join(mkdtempSync(join(tmpdir(), 'pgferry-refuse-')), 'runs');
      const run = await cli('migrate', '--from', source, '--to', targetUrlAs ?? target, '--run-dir', runDir);
      assert.equal(run.code, 1, run.stderr + run.stdout);
      assert.match(run.stdout, new RegExp(`✗ \\[${c.code}\\]`));
      assert.match(run.stdout, /Nothing was changed on the target\./);
      assert.deepEqual(await objectList(target), before);
      assert.deepEqual(filesBeyondRunRecord(runDir), []);
    });
  }

  it('replaces what a non-empty target holds when the plan says ifTargetNotEmpty: drop', async () => {
    const source = await freshDatabase(await testServer(16), 'CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)');
    const target = await freshDatabase(await testServer(17), 'CREATE TABLE leftover (id int); CREATE SCHEMA old_stuff; CREATE TABLE old_stuff.x (id int)');
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--if-target-not-empty', 'drop', '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-')));
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
  });
});

describe('migrate to a managed-style target (an app user, no superuser)', () => {
  it('maps owners to the app user, warns about roles it may not create, copies everything, and names the policies it could not create (case 7)', async () => {
    const server = await testServer(17);
    // Roles belong to a whole server: renamed so that no other test has created them on the target already.
    const source = await freshDatabase(await testServer(14), fixtureSql('migrate-fixture.sql').replaceAll('mig_', 'managed_src_'));
    const target = await freshDatabase(server);
    const appUser = await limitedRole(server, target.name, 'managed_app');
    await withClient(server.url(), (c) => c.query(`ALTER DATABASE ${target.name} OWNER TO managed_app`));
    const plan = join(mkdtempSync(join(tmpdir(), 'pgferry-plan-')), 'pgferry.yaml');
    writeFileSync(plan, `owners:\n  map:\n    managed_src_owner: managed_app\n    postgres: managed_app\n`);
    const run = await cli('migrate', '--plan', plan, '--from', source.url, '--to', appUser, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-')));
    // Policies naming roles the target refused are left out (never widened to PUBLIC), so verification names them.
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.match(run.stdout, /! \[ROLE_NOT_CREATED\] the target refused to create role managed_src_reader/);
    assert.match(run.stdout, /! \[POLICY_NOT_CREATED\] policy own_orders on app\.orders/);
    // One rule for what the target refused: the roles it would not create, their grants and the policies naming them
    // were each named in a warning and are each a difference; the mapped owners are not.
    assert.match(run.stdout, /Schema differences \(8\)\n/);
    assert.match(run.stdout, /✗ policy no_negative on app\.orders: exists: source yes, target missing\n\s+✗ policy own_orders/);
    assert.match(run.stdout, /✗ role managed_src_reader: exists: source yes, target missing/);
    assert.match(run.stdout, /✗ table app\.customers: grants: source \[\{"grantee":"managed_src_reader","privilege":"SELECT"/);
    assert.doesNotMatch(run.stdout, /✗ [^\n]*owner/);
    assert.equal(await withClient(target.url, async (c) => (await c.query(`SELECT 1 FROM pg_policies WHERE 'public' = ANY (roles)`)).rowCount), 0);
    assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
    await withClient(target.url, async (c) => {
      const { rows } = await c.query(`SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app'`);
      assert.deepEqual(rows.map((r) => r.owner), ['managed_app']);
    });
  });
});
