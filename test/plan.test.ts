import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { postgresConnectionConfig } from '../src/endpoints/postgres/connection-config.js';
import { PgferryError } from '../src/errors/pgferry-error.js';
import { redactSecrets } from '../src/errors/redact.js';
import { resolvePlan } from '../src/plan/resolve-plan.js';
import { cli } from './harness/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pgferry-plan-'));
function planFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('plan', () => {
  it('reports every wrong, missing and unknown key at once, each with an example', async () => {
    const path = planFile('bad.yaml', 'sorce: postgres://a@h/db\njobs: many\nifTargetNotEmpty: wipe\n');
    const run = await cli('preflight', '--plan', path);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /PLAN_INVALID/);
    assert.match(run.stderr, /sorce: unknown setting \(known: source, target/);
    assert.match(run.stderr, /jobs: .*\(e\.g\. jobs: 4\)/);
    assert.match(run.stderr, /ifTargetNotEmpty: .*refuse.*drop/);
    assert.match(run.stderr, /source: is required \(e\.g\. source: postgres:\/\//);
    assert.match(run.stderr, /target: is required/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace without --debug');
  });

  it('rejects unknown nested keys', async () => {
    await assert.rejects(
      resolvePlan({ planFile: planFile('nested.yaml', 'source: postgres://a@h/x\ntarget: postgres://a@h/y\npreflight: { estimate: true }\n'), env: {} }),
      (e: PgferryError) => e.code === 'PLAN_INVALID' && /preflight\.estimate: unknown setting \(known: estimateCounts\)/.test(e.message),
    );
  });

  it('says where YAML is broken and when the file is missing', async () => {
    const broken = await cli('preflight', '--plan', planFile('broken.yaml', 'source: [postgres://a\n  target: x'));
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /PLAN_SYNTAX.*not valid YAML/);
    const missing = await cli('preflight', '--plan', join(dir, 'nope.yaml'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /PLAN_NOT_FOUND.*nope\.yaml/);
  });

  it('takes flags over the plan file over PGFERRY_* environment over defaults', async () => {
    const path = planFile('layers.yaml', 'source: postgres://file@h/src\ntarget: postgres://file@h/dst\njobs: 3\n');
    const env = { PGFERRY_FROM: 'postgres://env@h/src', PGFERRY_JOBS: '5', PGFERRY_RUN_DIR: '/tmp/from-env' };
    const plan = await resolvePlan({ planFile: path, env, overrides: { target: 'postgres://flag@h/dst' } });
    assert.equal(plan.source, 'postgres://file@h/src');
    assert.equal(plan.target, 'postgres://flag@h/dst');
    assert.equal(plan.jobs, 3);
    assert.equal(plan.runDir, '/tmp/from-env');
    assert.equal(plan.connectTimeoutSeconds, 10);
    assert.equal(plan.ifTargetNotEmpty, 'refuse');
  });
});

describe('connection strings', () => {
  it('fills what the URL leaves out from libpq PG* variables', () => {
    const config = postgresConnectionConfig('postgres:///appdb', { PGHOST: 'db.internal', PGPORT: '6543', PGUSER: 'app', PGSSLMODE: 'require' });
    assert.deepEqual(config.address, { host: 'db.internal', port: 6543, database: 'appdb', user: 'app' });
    assert.deepEqual(config.client.ssl, { rejectUnauthorized: false }, 'sslmode=require encrypts without verifying, as in libpq');
  });

  it('keeps sslmode from the URL over PGSSLMODE', () => {
    const config = postgresConnectionConfig('postgresql://u@h/db?sslmode=disable', { PGSSLMODE: 'require' });
    assert.equal(config.client.ssl, false);
  });

  it('masks passwords in URLs and key=value strings', () => {
    assert.equal(redactSecrets('to postgres://app:s3cr%40t@db:5432/x ok'), 'to postgres://app:****@db:5432/x ok');
    assert.equal(redactSecrets("host=db password='a b' user=x"), 'host=db password=**** user=x');
  });

  it('refuses a malformed URL without echoing its password', async () => {
    const run = await cli('preflight', '--from', 'postgres://app:hunter2@db:notaport/x', '--to', 'postgres://app@other/x');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /URL_INVALID/);
    assert.doesNotMatch(run.stderr + run.stdout, /hunter2/);
  });

  it('says which commands take a JSON directory, and names a SQLite file that is not there', async () => {
    const json = await cli('preflight', '--from', 'json:///tmp/app-data', '--to', 'postgres://app@other/x');
    assert.equal(json.code, 2);
    assert.match(json.stderr, /URL_UNSUPPORTED.*a JSON directory is read by migrate, verify and export/);
    const missing = await cli('preflight', '--from', 'sqlite:///tmp/no-such-app.db', '--to', 'postgres://app@other/x');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /SQLITE_READ_FAILED.*the SQLite database \/tmp\/no-such-app\.db does not exist/);
  });

  it('refuses source and target that are the same database', async () => {
    const run = await cli('preflight', '--from', 'postgres://a:pw1@localhost:5432/app', '--to', 'postgresql://b:pw2@127.0.0.1:5432/app');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /SAME_DATABASE/);
    assert.doesNotMatch(run.stderr, /pw1|pw2/);
  });

  it('shows help for every command and exits 0', async () => {
    const run = await cli('preflight', '--help');
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--from <url>/);
    assert.match(run.stdout, /--estimate/);
  });
});
