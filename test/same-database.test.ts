import assert from 'node:assert/strict';
import { filesBeyondRunRecord } from './harness/run-record.js';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { redactSecrets } from '../src/errors/redact.js';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const rowCount = (url: string) => withClient(url, async (c) => (await c.query('SELECT count(*)::int AS n FROM app.items')).rows[0].n as number);

describe('issue 8 case 5: the source is never taken for another database', () => {
  it('case 5: a source reached as 127.0.0.1 and a target reached by host name, ?host= or Unix socket are the same database: refused, source untouched', async () => {
    const server = await testServer(17);
    const source = await freshDatabase(server, 'CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY); INSERT INTO app.items SELECT generate_series(1, 5000)');
    const socketDir = await withClient(server.url(), async (c) => (await c.query('SHOW unix_socket_directories')).rows[0].unix_socket_directories.split(',')[0].trim());
    const routes = {
      'the host name': `postgres://postgres:${server.password}@${hostname()}:${server.port}/${source.name}`,
      '?host=': `postgres://postgres:${server.password}@db.invalid:${server.port}/${source.name}?host=127.0.0.1`,
      'a Unix socket': `postgresql://postgres@${encodeURIComponent(socketDir)}:${server.port}/${source.name}`,
    };
    for (const [route, target] of Object.entries(routes)) {
      const runDir = join(mkdtempSync(join(tmpdir(), 'pgferry-same-')), 'runs');
      const run = await cli('migrate', '--from', source.url, '--to', target, '--if-target-not-empty', 'drop', '--run-dir', runDir);
      assert.equal(run.code, 2, `${route}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, /error \[SAME_DATABASE\]: source and target are the same database/, route);
      assert.equal(await rowCount(source.url), 5000, `${route}: the source still holds every row`);
      assert.deepEqual(filesBeyondRunRecord(runDir), [], route);
    }
  });

  it('case 5: two databases on one server are still different', async () => {
    const server = await testServer(17);
    const source = await freshDatabase(server, 'CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY)');
    const target = await freshDatabase(server);
    const run = await cli('preflight', '--from', source.url, '--to', `postgres://postgres:${server.password}@${hostname()}:${server.port}/${target.name}`);
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });
});

describe('issue 8 case 5: passwords with unencoded @ or spaces', () => {
  it('case 5: a URL password holding an unencoded @ or space is never printed', async () => {
    assert.equal(redactSecrets('from postgres://app:p@ss word@db:5432/x ok'), 'from postgres://app:****@db:5432/x ok');
    assert.equal(redactSecrets('postgres://app@db:5432/x for user@example'), 'postgres://app@db:5432/x for user@example');
    const server = await testServer(17);
    const secret = 'p@ss w0rd@x';
    await withClient(server.url(), (c) =>
      c.query(`DO $$ BEGIN CREATE ROLE same_database_pw LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$; ALTER ROLE same_database_pw PASSWORD '${secret}'`),
    );
    const source = await freshDatabase(server, 'CREATE TABLE t (id int PRIMARY KEY); GRANT SELECT ON t TO same_database_pw');
    const target = await freshDatabase(await testServer(18));
    const raw = `postgres://same_database_pw:${secret}@127.0.0.1:${server.port}/${source.name}`;
    const ok = await cli('preflight', '--from', raw, '--to', target.url);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const wrong = await cli('preflight', '--from', raw.replace('w0rd', 'nope'), '--to', target.url, '--debug');
    assert.match(wrong.stderr, /AUTH_FAILED/);
    for (const output of [ok.stdout + ok.stderr, wrong.stdout + wrong.stderr]) {
      for (const piece of ['p@ss', 'w0rd', 'nope', 'ss w', 'd@x']) assert.doesNotMatch(output, new RegExp(piece), piece);
    }
  });
});
