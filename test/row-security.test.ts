import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient, type TestServer } from './harness/servers.js';

const fixture = `
  CREATE TABLE notes (id integer PRIMARY KEY, author text NOT NULL, body text);
  INSERT INTO notes SELECT i, 'user' || (i % 7), 'note ' || i FROM generate_series(1, 100) i;
  ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
  CREATE POLICY own_notes ON notes USING (author = current_user);
  CREATE TABLE plain (id integer PRIMARY KEY);
  INSERT INTO plain SELECT generate_series(1, 10);
`;

/** A login role that reads everything through pg_read_all_data; BYPASSRLS only when asked. Roles are server-wide. */
async function readerRole(server: TestServer, name: string, bypassRls: boolean): Promise<void> {
  await withClient(server.url(), (c) =>
    c.query(`DO $$ BEGIN
               CREATE ROLE ${name} LOGIN PASSWORD 'reader-pw' ${bypassRls ? 'BYPASSRLS' : 'NOBYPASSRLS'} IN ROLE pg_read_all_data;
             EXCEPTION WHEN duplicate_object THEN NULL; END $$`),
  );
}

async function count(url: string, table: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n));
}

describe('row-level security never hides rows from a copy or a verification', () => {
  let sourceServer: TestServer;
  let targetServer: TestServer;
  let source: { name: string; url: string };

  before(async () => {
    sourceServer = await testServer(16);
    targetServer = await testServer(17);
    source = await freshDatabase(sourceServer, fixture);
    await readerRole(sourceServer, 'rowsec_reader', false);
    await readerRole(sourceServer, 'rowsec_bypass', true);
    await readerRole(targetServer, 'rowsec_reader', false);
  });

  it('case 1: a source role subject to RLS is refused by migrate before anything is written, naming the table and BYPASSRLS', async () => {
    const target = await freshDatabase(targetServer);
    const run = await cli('migrate', '--from', sourceServer.url(source.name, 'rowsec_reader', 'reader-pw'), '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-rls-')));
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /ROW_SECURITY_HIDES_ROWS/);
    assert.match(run.stdout, /public\.notes/);
    assert.doesNotMatch(run.stdout, /row-level security[^\n]*public\.plain/);
    assert.match(run.stdout + run.stderr, /BYPASSRLS/);
    const tables = await withClient(target.url, (c) => c.query(`SELECT 1 FROM pg_class WHERE relname IN ('notes', 'plain')`));
    assert.equal(tables.rowCount, 0, 'nothing was created on the target');
  });

  it('case 1: preflight names the RLS tables as a blocker', async () => {
    const target = await freshDatabase(targetServer);
    const run = await cli('preflight', '--from', sourceServer.url(source.name, 'rowsec_reader', 'reader-pw'), '--to', target.url);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /ROW_SECURITY_HIDES_ROWS[^\n]*\n?[^\n]*public\.notes/);
  });

  it('case 1: a role with BYPASSRLS copies every row and verifies equal', async () => {
    const target = await freshDatabase(targetServer);
    const run = await cli('migrate', '--from', sourceServer.url(source.name, 'rowsec_bypass', 'reader-pw'), '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-rls-')));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(await count(target.url, 'notes'), 100);
    assert.equal(await count(target.url, 'plain'), 10);
    const policies = await withClient(target.url, (c) => c.query(`SELECT relrowsecurity FROM pg_class WHERE relname = 'notes'`));
    assert.equal(policies.rows[0].relrowsecurity, true, 'RLS is still enabled on the target');
  });

  it('case 1: verify through roles that RLS filters on both ends fails loudly instead of calling 0 = 0 rows equal', async () => {
    const target = await freshDatabase(targetServer);
    const copied = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-rls-')));
    assert.equal(copied.code, 0, copied.stdout + copied.stderr);
    const run = await cli(
      'verify',
      '--from',
      sourceServer.url(source.name, 'rowsec_reader', 'reader-pw'),
      '--to',
      targetServer.url(target.name, 'rowsec_reader', 'reader-pw'),
    );
    assert.notEqual(run.code, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /^EQUAL/m);
    assert.match(run.stdout + run.stderr, /row-level security/);
  });
});
