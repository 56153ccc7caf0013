import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer } from './harness/servers.js';

const dir = mkdtempSync(join(tmpdir(), 'pgferry-plan-input-'));

describe('issue 8 case 17: input pgferry must name precisely', () => {
  it('case 17: plan values of the wrong type say "wrong type", not "is required"', async () => {
    const plan = join(dir, 'types.yaml');
    writeFileSync(plan, 'source: 123\ntarget: [a, b]\njobs: many\nverify: "yes"\n');
    const run = await cli('preflight', '--plan', plan);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /source: wrong type: expected string, got number 123/);
    assert.match(run.stderr, /target: wrong type: expected string, got a list/);
    assert.match(run.stderr, /jobs: wrong type: expected number, got string "many"/);
    assert.match(run.stderr, /verify: wrong type: expected boolean, got string "yes"/);
    assert.doesNotMatch(run.stderr, /is required/);
  });

  it('case 17: a run directory under a regular file is JOURNAL_FAILED naming the file, not INTERNAL', async () => {
    const source = await freshDatabase(await testServer(17), 'CREATE TABLE t (id int PRIMARY KEY)');
    const target = await freshDatabase(await testServer(17));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    for (const command of ['preflight', 'migrate']) {
      const run = await cli(command, '--from', source.url, '--to', target.url, '--run-dir', join(file, 'runs'));
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, new RegExp(`error \\[JOURNAL_FAILED\\]: the run directory .* cannot hold the run journal: ${file} is a file, not a directory`));
    }
  });

  it('case 17: a journal disk that fills during migrate is JOURNAL_FAILED, not INTERNAL', async (t) => {
    const small = join(dir, 'small-disk');
    mkdirSync(small);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { stdio: 'ignore' });
    } catch {
      t.skip('mounting a small tmpfs needs root');
      return;
    }
    try {
      const tables = Array.from({ length: 40 }, (_, i) => `CREATE TABLE t${i} (id int PRIMARY KEY); INSERT INTO t${i} VALUES (1);`).join('\n');
      const source = await freshDatabase(await testServer(17), tables);
      const target = await freshDatabase(await testServer(18));
      // Leave room for the journal to be created, not for the steps of 40 tables.
      writeFileSync(join(small, 'filler'), Buffer.alloc(1024 * 1024 - 96 * 1024));
      const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', join(small, 'runs'));
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /error \[JOURNAL_FAILED\]: cannot open or write the run journal .*(full|space)/i);
    } finally {
      execFileSync('umount', [small]);
    }
  });

  it('case 17: a URL with a bracketed IPv6 address ([::1]) connects', async (t) => {
    const server = await testServer(17);
    const sockets: Socket[] = [];
    // The test servers listen on 127.0.0.1 only: relay [::1] to them.
    const relay = createServer((client) => {
      const upstream = createConnection(server.port, '127.0.0.1');
      sockets.push(client, upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    try {
      await new Promise<void>((resolve, reject) => relay.once('error', reject).listen(0, '::1', resolve));
    } catch {
      t.skip('no IPv6 loopback on this machine');
      return;
    }
    try {
      const port = (relay.address() as { port: number }).port;
      const source = await freshDatabase(server, 'CREATE TABLE t (id int PRIMARY KEY)');
      const target = await freshDatabase(await testServer(18));
      const run = await cli('preflight', '--from', `postgres://postgres:${server.password}@[::1]:${port}/${source.name}`, '--to', target.url);
      assert.notEqual(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stdout, /\[::1\]/);
    } finally {
      sockets.forEach((s) => s.destroy());
      relay.close();
    }
  });

  it('case 17: an unknown sslmode and a port that is not a TCP port are rejected, each named', async () => {
    const cases: Array<[string, RegExp]> = [
      ['postgres://app@db.invalid/x?sslmode=requir', /URL_INVALID.*sslmode "requir", which libpq does not know \(it takes disable, allow, prefer, require, verify-ca, verify-full\)/],
      ['postgres://app:pw@db.invalid:99999/x', /URL_INVALID.*port "99999", which is not a TCP port \(1 to 65535\)/],
      ['postgres://app@db.invalid:-1/x', /URL_INVALID.*port "-1", which is not a TCP port/],
      ['postgres://app@db.invalid:0/x', /URL_INVALID.*port "0", which is not a TCP port/],
    ];
    for (const [url, expected] of cases) {
      const run = await cli('preflight', '--from', url, '--to', 'postgres://app@other.invalid/y');
      assert.equal(run.code, 2, url);
      assert.match(run.stderr, expected, url);
    }
  });
});
