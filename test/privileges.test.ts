import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { managedTarget } from './harness/managed-target.js';
import { privilegesOracle } from './harness/oracles/privileges.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

let loads = 0;

/** The fixture with its role names made unique to this load (roles are cluster-wide, servers shared). */
async function loadFixture(major: number): Promise<{ url: string; rename: (text: string) => string }> {
  loads += 1;
  const prefix = `privs${process.pid}x${loads}_`;
  const rename = (text: string) => text.replaceAll('privs_', prefix);
  const source = await freshDatabase(await testServer(major), rename(fixtureSql('kinds/privileges.sql')));
  return { url: source.url, rename };
}

const snapshot = (url: string) => withClient(url, (c) => privilegesOracle.snapshot(c));
const runDir = () => mkdtempSync(join(tmpdir(), 'pgferry-privs-'));

describe('privileges, memberships, role attributes, settings and their comments migrate and verify', () => {
  let migrated: { source: string; target: string; rename: (text: string) => string } | undefined;

  for (const [from, to] of [
    [14, 17],
    [16, 18],
  ] as const) {
    it(`${from} → ${to}: migrate carries every item (roles created on the target server) and the oracle and verify find them equal`, async () => {
      const source = await loadFixture(from);
      const target = await freshDatabase(await testServer(to));
      const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir());
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.doesNotMatch(run.stdout, /PRIVILEGE_NOT_APPLIED/);
      const expected = await snapshot(source.url);
      // The fixture's items are all in the snapshot, so an empty or partial oracle cannot pass.
      for (const key of ['role privs_replicator', 'membership privs_group in privs_nested', 'database settings of <database>', 'settings of role privs_reader in every database',
        'default acl of privs_owner in * for f', 'column acl access.accounts.email', 'identity sequence acl access.accounts_id_seq', 'extension member acl public.similarity(text,text)',
        'comment on domain constraint positive_check on access.positive', 'comment on composite column access.pair.left_value', 'comment on extension pg_trgm']) {
        assert.ok(expected[source.rename(key)] !== undefined, `the oracle sees ${key}`);
      }
      assert.deepEqual(await snapshot(target.url), expected);
      const verify = await cli('verify', '--from', source.url, '--to', target.url);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      if (from === 14) migrated = { source: source.url, target: target.url, rename: source.rename };
    });
  }

  it('verify names a revoked column grant, a reset database setting, a dropped membership and a changed default privilege on the target', async () => {
    assert.ok(migrated, 'the 14 → 17 migration ran');
    const { source, target, rename } = migrated;
    await withClient(target, (c) =>
      c.query(
        rename(`REVOKE SELECT (email) ON access.accounts FROM privs_reader;
                DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET app.tenant', current_database()); END $$;
                REVOKE privs_nested FROM privs_group;
                ALTER DEFAULT PRIVILEGES FOR ROLE privs_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
                COMMENT ON EXTENSION pg_trgm IS 'changed on the target'`),
      ),
    );
    const run = await cli('verify', '--from', source, '--to', target);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /✗ column grants on access\.accounts\.email/);
    assert.match(run.stdout, /✗ database setting app\.tenant: exists: source yes, target missing/);
    assert.match(run.stdout, new RegExp(rename('✗ role membership of privs_group in privs_nested: exists: source yes, target missing')));
    assert.match(run.stdout, new RegExp(rename('✗ default privileges of privs_owner on functions')));
    assert.match(run.stdout, /✗ comment on EXTENSION pg_trgm/);
  });

  it('a managed-style target (no superuser): each refused item is named in a warning and reported by verify', async () => {
    const source = await loadFixture(14);
    const target = await managedTarget(await testServer(17));
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir());
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const [expected, actual] = [await snapshot(source.url), await snapshot(target.url)];
    const r = source.rename;
    // Each refused oracle key: the warning that names it, and the difference verify reports for it.
    const named: Record<string, [RegExp, RegExp]> = {
      'role privs_replicator': [/PRIVILEGE_NOT_APPLIED\] role privs_replicator was created without REPLICATION/, /✗ role privs_replicator: replication: source true, target false/],
      'role privs_bypasser': [/PRIVILEGE_NOT_APPLIED\] role privs_bypasser was created without BYPASSRLS/, /✗ role privs_bypasser: bypassRls: source true, target false/],
      'database settings of <database>': [/PRIVILEGE_NOT_APPLIED\] target refused "ALTER DATABASE "\w+" SET "app\.tenant"/, /✗ database setting app\.tenant: exists: source yes, target missing/],
      'settings of role privs_reader in every database': [/PRIVILEGE_NOT_APPLIED\] target refused "ALTER ROLE "privs_reader" SET "app\.reader"/, /✗ setting app\.reader of role privs_reader in every database: exists: source yes, target missing/],
      'default acl of privs_owner in * for S': [/PRIVILEGE_NOT_APPLIED\] target refused "ALTER DEFAULT PRIVILEGES FOR ROLE "privs_owner" [^\n]*ON SEQUENCES/, /✗ default privileges of privs_owner on sequences: exists: source yes, target missing/],
      'default acl of privs_owner in * for f': [/PRIVILEGE_NOT_APPLIED\] target refused "ALTER DEFAULT PRIVILEGES FOR ROLE "privs_owner" [^\n]*ON FUNCTIONS/, /✗ default privileges of privs_owner on functions: exists: source yes, target missing/],
      'extension member acl public.similarity(text,text)': [
        /PRIVILEGE_NOT_APPLIED\] target refused "GRANT EXECUTE ON FUNCTION public\.similarity\([^\n]*no privileges were granted/,
        /✗ changed privileges of extension pg_trgm member FUNCTION public\.similarity\(pg_catalog\.text,pg_catalog\.text\): exists: source yes, target missing/,
      ],
      'default acl of privs_owner in access for r': [/PRIVILEGE_NOT_APPLIED\] target refused "ALTER DEFAULT PRIVILEGES FOR ROLE "privs_owner" IN SCHEMA "access" GRANT SELECT ON TABLES/, /✗ default privileges of privs_owner in schema access on tables: exists: source yes, target missing/],
    };
    assert.deepEqual(Object.keys(named).sort(), [...privilegesOracle.refusedWithoutSuperuser].sort());
    for (const key of privilegesOracle.refusedWithoutSuperuser) {
      assert.notDeepEqual(actual[r(key)], expected[r(key)], `${key} is refused by a managed target`);
      const [warning, difference] = named[key]!;
      assert.match(run.stdout, new RegExp(r(warning.source)), `the warning for ${key}`);
      assert.match(run.stdout, new RegExp(r(difference.source)), `verify's difference for ${key}`);
    }
    // What a database owner with CREATEROLE may do still arrives.
    for (const key of ['membership privs_reader in privs_group', 'settings of role privs_owner in <database>', 'column acl access.accounts.email',
      'comment on extension pg_trgm', 'comment on domain constraint positive_check on access.positive']) {
      assert.ok(expected[r(key)] !== undefined, key);
      assert.deepEqual(actual[r(key)], expected[r(key)], key);
    }
  });
});
