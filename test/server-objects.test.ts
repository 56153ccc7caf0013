import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cli, type CliRun } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { managedTarget } from './harness/managed-target.js';
import { mappingPasswords, serverObjectsOracle } from './harness/oracles/server-objects.js';
import { databaseCopy, freshDatabase, testServer, withClient, type TestServer } from './harness/servers.js';

const snapshot = (url: string) => withClient(url, (c) => serverObjectsOracle.snapshot(c));

async function migrate(from: string, to: string): Promise<CliRun> {
  return cli('migrate', '--from', from, '--to', to, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-server-objects-')));
}

for (const [sourceMajor, targetMajor] of [
  [14, 17],
  [16, 18],
] as const) {
  describe(`languages, foreign data, publications and event triggers, ${sourceMajor} → ${targetMajor}`, () => {
    let source: { name: string; url: string };
    let targetServer: TestServer;
    let target: { name: string; url: string };
    let run: CliRun;

    before(async () => {
      source = await freshDatabase(await testServer(sourceMajor), fixtureSql('kinds/server-objects.sql'));
      targetServer = await testServer(targetMajor);
      target = await freshDatabase(targetServer);
      run = await migrate(source.url, target.url);
    });

    it('migrates with exit 0 and warns that the mapping lost its password', () => {
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /USER_MAPPING_PASSWORD_DROPPED\] user mapping for server_objects_user server files was created without its password/);
      assert.doesNotMatch(run.stdout, /OBJECT_REFUSED/);
    });

    it('leaves every object as the source has it (oracle), and no password on the target', async () => {
      const expected = await snapshot(source.url);
      assert.ok(Object.keys(expected).length >= (sourceMajor >= 15 ? 16 : 15), JSON.stringify(Object.keys(expected)));
      assert.deepEqual(await snapshot(target.url), expected);
      assert.deepEqual(await withClient(source.url, mappingPasswords), ['files for server_objects_user']);
      assert.deepEqual(await withClient(target.url, mappingPasswords), []);
    });

    it('created the event triggers last: none fired during the migration', async () => {
      const { rows } = await withClient(target.url, (c) => c.query('SELECT tag, event FROM app.ddl_log'));
      assert.deepEqual(rows, []);
      // They are there and work: DDL on the target now logs.
      const copy = await databaseCopy(targetServer, target.name, 'CREATE TABLE app.later (id int)');
      const { rows: logged } = await withClient(copy, (c) => c.query('SELECT tag, event FROM app.ddl_log ORDER BY 2'));
      assert.deepEqual(logged, [
        { tag: 'CREATE TABLE', event: 'ddl_command_end' },
        { tag: 'CREATE TABLE', event: 'ddl_command_start' },
      ]);
    });

    it('verify says equal', async () => {
      const verify = await cli('verify', '--from', source.url, '--to', target.url);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    });

    it('verify names each object missing or changed on the target (exit 1)', async () => {
      const changed = await databaseCopy(
        targetServer,
        target.name,
        `DROP FOREIGN TABLE app.remote_orders CASCADE; DROP PUBLICATION pub_orders; ALTER EVENT TRIGGER log_tables DISABLE;
         ALTER SERVER files OPTIONS (SET port '6543'); DROP USER MAPPING FOR PUBLIC SERVER files; DROP LANGUAGE plpgsql_untrusted`,
      );
      const verify = await cli('verify', '--from', source.url, '--to', changed);
      assert.equal(verify.code, 1, verify.stdout + verify.stderr);
      for (const named of [
        /foreign table app\.remote_orders: exists: source yes, target missing/,
        /view app\.remote_labels: exists: source yes, target missing/,
        /publication pub_orders: exists: source yes, target missing/,
        /event trigger log_tables: enabled/,
        /foreign server files: options/,
        /user mapping for PUBLIC server files: exists/,
        /language plpgsql_untrusted: exists/,
      ]) {
        assert.match(verify.stdout, named);
      }
    });

    if (sourceMajor === 16) {
      it('migrates again into the same target with ifTargetNotEmpty: drop, which drops what the first run left beside the schemas', async () => {
        const again = await cli('migrate', '--from', source.url, '--to', target.url, '--if-target-not-empty', 'drop', '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-server-objects-')));
        assert.equal(again.code, 0, again.stdout + again.stderr);
        assert.match(again.stdout, /verified equal/);
        assert.deepEqual(await snapshot(target.url), await snapshot(source.url));
      });
    }
  });
}

describe('server-level objects on a managed-style target (no superuser), 16 → 17', () => {
  let source: { name: string; url: string };
  let target: { name: string; url: string };
  let targetServer: TestServer;
  let run: CliRun;

  let preflight: CliRun;

  before(async () => {
    source = await freshDatabase(await testServer(16), fixtureSql('kinds/server-objects.sql'));
    targetServer = await testServer(17);
    target = await managedTarget(targetServer);
    preflight = await cli('preflight', '--from', source.url, '--to', target.url);
    run = await migrate(source.url, target.url);
  });

  it('preflight names what would be refused, also what needs it (a view over a foreign table, a function in a refused language, its trigger), and blocks nothing', () => {
    assert.equal(preflight.code, 0, preflight.stdout + preflight.stderr);
    assert.doesNotMatch(preflight.stdout, /SCHEMA_WOULD_FAIL/);
    for (const named of [
      /view app\.remote_labels would not be created: it needs foreign table app\.remote_orders/,
      /function app\.stamp_note\(\) would not be created: it needs language plpgsql_copy/,
      /trigger stamp_note on app\.orders would not be created: it needs function app\.stamp_note\(\)/,
    ]) {
      assert.match(preflight.stdout, named);
    }
  });

  it('names each refused object once in an OBJECT_REFUSED warning, and verify reports them missing (exit 1)', () => {
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /SCHEMA_WOULD_FAIL|SCHEMA_FAILED|would not be created/);
    for (const key of serverObjectsOracle.refusedWithoutSuperuser) {
      assert.equal(run.stdout.split(`OBJECT_REFUSED] ${key} was not created`).length - 1, 1, `${key} not named once as refused:\n${run.stdout}`);
      assert.ok(run.stdout.includes(`${key}: exists: source yes, target missing`), `${key} not named missing by verify:\n${run.stdout}`);
    }
  });

  it('creates everything else as the source has it (owners aside: the target may not give objects away)', async () => {
    const withoutOwner = (s: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(s)
          .filter(([key]) => !serverObjectsOracle.refusedWithoutSuperuser.includes(key))
          .map(([key, value]) => [key, { ...(value as object), owner: undefined }]),
      );
    const expected = withoutOwner(await snapshot(source.url));
    assert.deepEqual(Object.keys(expected).sort(), ['publication pub_empty', 'publication pub_filtered', 'publication pub_orders']);
    // Read as a superuser: pg_user_mapping is closed to others.
    assert.deepEqual(withoutOwner(await snapshot(targetServer.url(target.name))), expected);
  });
});

describe('options that hold a secret on foreign servers and user mappings, 16 → 17', () => {
  const values = ['srv-token-value', 'srv-apikey-value', 'srv-secretkey-value', 'map-password-value', 'map-pwd-value', 'map-apikey-value', 'map-passwd-value'];
  // Option names in any case ("Token", "PassWord"); sslkey names a file and is carried.
  const sql = `CREATE FOREIGN DATA WRAPPER secrets_fdw;
    CREATE SERVER vault FOREIGN DATA WRAPPER secrets_fdw
      OPTIONS (host 'vault.example', "Token" 'srv-token-value', API_KEY 'srv-apikey-value', secret_key 'srv-secretkey-value', sslkey '/etc/ssl/client.key');
    CREATE USER MAPPING FOR PUBLIC SERVER vault
      OPTIONS (user 'reader', "PassWord" 'map-password-value', pwd 'map-pwd-value', "ApiKey" 'map-apikey-value', db_passwd 'map-passwd-value')`;
  const options = (url: string) =>
    withClient(url, async (c) => {
      const server = await c.query<{ options: string[] }>(`SELECT srvoptions AS options FROM pg_foreign_server WHERE srvname = 'vault'`);
      const mapping = await c.query<{ options: string[] }>(`SELECT umoptions AS options FROM pg_user_mapping m JOIN pg_foreign_server s ON s.oid = m.umserver WHERE s.srvname = 'vault'`);
      return { server: server.rows[0]?.options, mapping: mapping.rows[0]?.options };
    });
  const filesUnder = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => (statSync(join(dir, entry)).isDirectory() ? filesUnder(join(dir, entry)) : [join(dir, entry)]));

  it('leaves them out, names the object and each option in a warning, and shows no value in any output or the journal', async () => {
    const source = await freshDatabase(await testServer(16), sql);
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-server-secrets-'));
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir);
    const output = run.stdout + run.stderr;
    assert.equal(run.code, 0, output);
    assert.match(run.stdout, /FOREIGN_SERVER_SECRET_DROPPED\] foreign server vault was created without its Token, api_key, secret_key options/, output);
    assert.match(run.stdout, /USER_MAPPING_PASSWORD_DROPPED\] user mapping for PUBLIC server vault was created without its PassWord, pwd, ApiKey, db_passwd options/, output);
    assert.deepEqual(await options(target.url), { server: ['host=vault.example', 'sslkey=/etc/ssl/client.key'], mapping: ['user=reader'] });

    const verify = await cli('verify', '--from', source.url, '--to', target.url, '--json');
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const shown = [output, verify.stdout, verify.stderr, ...filesUnder(runDir).map((f) => readFileSync(f, 'latin1'))].join('\n');
    for (const value of values) assert.ok(!shown.includes(value), `${value} is shown or journaled`);
  });
});
