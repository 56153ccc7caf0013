/** A setting's value may be a secret: no output, report or journal shows it, even when the target refuses the setting or holds another value. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { managedTarget } from './harness/managed-target.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const secret = 'super-secret-value';
const roleSecret = 'role-secret-value';
const otherSecret = 'other-secret-value';

/** Every file under `dir` (the journal, its WAL if one is left, reject files…). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('setting values stay out of warnings, verify and the journal (16 → managed-style 17)', () => {
  it('a refused database and role setting is named without its value, and verify shows a differing value as ****', async () => {
    const role = `secrets_app_${process.pid}`;
    const source = await freshDatabase(
      await testServer(16),
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role}; END IF; END $$;
       CREATE TABLE public.accounts (id int PRIMARY KEY);
       ALTER TABLE public.accounts OWNER TO ${role};
       DO $$ BEGIN
         EXECUTE format('ALTER DATABASE %I SET app.settings.jwt_secret = %L', current_database(), '${secret}');
         EXECUTE format('ALTER ROLE ${role} IN DATABASE %I SET app.settings.api_key = %L', current_database(), '${roleSecret}');
       END $$`,
    );
    const targetServer = await testServer(17);
    const target = await managedTarget(targetServer);
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-secrets-'));

    const migrate = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir);
    const output = migrate.stdout + migrate.stderr;
    // The managed target's owner may not set custom settings: both are refused and named, by setting.
    assert.match(migrate.stdout, /PRIVILEGE_NOT_APPLIED\] target refused "ALTER DATABASE "\w+" SET "app\.settings\.jwt_secret" TO \*\*\*\*"/, output);
    assert.match(migrate.stdout, /PRIVILEGE_NOT_APPLIED\] target refused "ALTER ROLE "\w+" IN DATABASE "\w+" SET "app\.settings\.api_key" TO \*\*\*\*"/, output);
    assert.match(migrate.stdout, /database setting app\.settings\.jwt_secret: exists: source yes, target missing/, output);
    for (const value of [secret, roleSecret]) assert.ok(!output.includes(value), `migrate's output shows ${value}:\n${output}`);

    // The backup is a copy of the source and holds its settings, values too, as pg_dump's would; nothing else may.
    const backupFiles = filesUnder(runDir).filter((f) => f.includes(`${sep}backup${sep}`));
    assert.ok(backupFiles.some((f) => readFileSync(f).includes(secret)), 'the backup holds the database setting');
    const files = filesUnder(runDir).filter((f) => !backupFiles.includes(f));
    assert.ok(files.some((f) => f.endsWith('journal.sqlite')), files.join('\n'));
    assert.ok(files.some((f) => f.endsWith('report.md')) && files.some((f) => f.endsWith('events.ndjson')), files.join('\n'));
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const value of [secret, roleSecret]) assert.equal(bytes.indexOf(value), -1, `${file} holds ${value}`);
    }
    // The journal does hold the warnings, each without the value.
    assert.ok(files.some((f) => readFileSync(f).includes('app.settings.jwt_secret')), 'the journal records the refused setting');

    // A superuser gives the target another value: verify says the value differs, showing neither.
    await withClient(targetServer.url(target.name), (c) => c.query(`ALTER DATABASE ${target.name} SET app.settings.jwt_secret = '${otherSecret}'`));
    for (const json of [false, true]) {
      const verify = await cli('verify', '--from', source.url, '--to', target.url, ...(json ? ['--json'] : []));
      const shown = verify.stdout + verify.stderr;
      assert.equal(verify.code, 1, shown);
      for (const value of [secret, roleSecret, otherSecret]) assert.ok(!shown.includes(value), `verify${json ? ' --json' : ''} shows ${value}:\n${shown}`);
      if (!json) assert.match(verify.stdout, /✗ database setting app\.settings\.jwt_secret: value differs \(not shown\): source \*\*\*\*, target \*\*\*\*/, shown);
    }
  });
});
