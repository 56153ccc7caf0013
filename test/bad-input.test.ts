import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { freeLoopbackPort } from '../src/embedded/free-port.js';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const noStack = /\n\s+at /;

describe('bad input', () => {
  it('gives up on a host that never answers within the connect timeout, naming host and port', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const target = await freshDatabase(await testServer(17));
    try {
      const started = Date.now();
      const run = await cli('preflight', '--from', `postgres://app:pw@127.0.0.1:${port}/db`, '--to', target.url, '--connect-timeout', '1');
      const seconds = (Date.now() - started) / 1000;
      assert.equal(run.code, 2);
      assert.match(run.stderr, new RegExp(`CONNECT_TIMEOUT.*source 127\\.0\\.0\\.1:${port}: no answer within 1s`));
      assert.match(run.stderr, /hint: /);
      assert.ok(seconds < 5, `took ${seconds}s`);
      assert.doesNotMatch(run.stderr, noStack);
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('says when nothing listens on the port', async () => {
    const port = await freeLoopbackPort();
    const target = await freshDatabase(await testServer(17));
    const run = await cli('preflight', '--from', `postgres://app@127.0.0.1:${port}/db`, '--to', target.url);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`CONNECT_REFUSED.*127\\.0\\.0\\.1:${port}`));
  });

  it('rejects a wrong password without printing it; --debug adds the stack', async () => {
    const server = await testServer(16);
    const source = await freshDatabase(server);
    const target = await freshDatabase(await testServer(17));
    const wrong = server.url(source.name, 'postgres', 'not-the-password');
    const run = await cli('preflight', '--from', wrong, '--to', target.url);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /AUTH_FAILED.*source 127\.0\.0\.1:\d+: the server rejected user "postgres"/);
    assert.doesNotMatch(run.stderr + run.stdout, /not-the-password/);
    assert.doesNotMatch(run.stderr, noStack);
    const debug = await cli('preflight', '--from', wrong, '--to', target.url, '--debug');
    assert.match(debug.stderr, noStack);
    assert.doesNotMatch(debug.stderr, /not-the-password/);
  });

  it('names a missing database', async () => {
    const server = await testServer(17);
    const source = await freshDatabase(await testServer(16));
    const run = await cli('preflight', '--from', source.url, '--to', server.url('no_such_db'));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /DATABASE_NOT_FOUND.*target 127\.0\.0\.1:\d+: database "no_such_db" does not exist/);
  });

  it('reads the password from PGPASSWORD and from a pgpass file, as libpq does', async () => {
    const server = await testServer(17);
    const source = await freshDatabase(server, 'CREATE TABLE t (id int PRIMARY KEY)');
    const target = await freshDatabase(await testServer(18));
    const bare = `postgres://postgres@127.0.0.1:${server.port}/${source.name}`;
    const { preflight } = await import('../src/index.js');
    const withEnv = await preflight({ overrides: { source: bare, target: target.url }, env: { PGPASSWORD: server.password } });
    assert.equal(withEnv.status, 'ready', withEnv.status === 'failed' ? withEnv.error.message : '');
    const { mkdtempSync, writeFileSync, chmodSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'pgpass-')), 'pgpass');
    writeFileSync(file, `127.0.0.1:${server.port}:*:postgres:${server.password}\n`);
    chmodSync(file, 0o600);
    process.env.PGPASSFILE = file;
    try {
      const withFile = await preflight({ overrides: { source: bare, target: target.url }, env: {} });
      assert.equal(withFile.status, 'ready', withFile.status === 'failed' ? withFile.error.message : '');
    } finally {
      delete process.env.PGPASSFILE;
    }
    const none = await preflight({ overrides: { source: bare, target: target.url }, env: {} });
    assert.equal(none.status, 'failed');
    assert.equal(none.status === 'failed' && none.error.code, 'AUTH_FAILED');
    await withClient(target.url, async (c) => assert.equal((await c.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 't'`)).rows[0].n, 0));
  });
});
