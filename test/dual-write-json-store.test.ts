/**
 * The dual-write library's JSON store: concurrent changes to one file are all kept and the file is always whole
 * (read back with a separate parser); what a change does not touch is written back exactly as it was.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { JsonFileStore } from 'pgferry/dual-write';
import { withFileLock } from '../src/dual-write/file-lock.js';
import type { PgferryError } from '../src/errors/pgferry-error.js';

function directory(): string {
  return mkdtempSync(join(tmpdir(), 'pgferry-json-store-'));
}

describe('the JSON store of pgferry/dual-write', () => {
  it('keeps every one of 300 concurrent inserts, updates and deletes, the file whole after each', async () => {
    const dir = directory();
    const store = new JsonFileStore({ directory: dir });
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.insert('users', { id: `u${i}`, n: i, name: `user ${i}` })));
    await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => store.update('users', `u${i}`, { name: `renamed ${i}` })),
      ...Array.from({ length: 50 }, (_, i) => store.delete('users', `u${150 + i}`)),
    ]);
    const onDisk = JSON.parse(readFileSync(join(dir, 'users.json'), 'utf8')) as Array<{ id: string; n: number; name: string }>;
    assert.equal(onDisk.length, 150);
    assert.deepEqual(onDisk.map((u) => u.n).sort((a, b) => a - b), Array.from({ length: 150 }, (_, i) => i));
    assert.equal(onDisk.filter((u) => u.name.startsWith('renamed')).length, 50);
    assert.deepEqual(readdirSync(dir), ['users.json'], 'no temporary file left');
    assert.deepEqual(await store.get('users', 'u7'), { id: 'u7', n: 7, name: 'renamed 7' });
  });

  it('refuses a key that is taken, leaving the file as it was', async () => {
    const dir = directory();
    const store = new JsonFileStore({ directory: dir });
    await store.insert('projects', { id: 1, title: 'a' });
    const before = readFileSync(join(dir, 'projects.json'), 'utf8');
    await assert.rejects(store.insert('projects', { id: 1, title: 'b' }), (e: PgferryError) => e.code === 'JSON_KEY_TAKEN' && /projects already has a record with id 1/.test(e.message));
    assert.equal(readFileSync(join(dir, 'projects.json'), 'utf8'), before);
  });

  it('writes back what a change does not touch as it was: an id past 2^53, 0.10, key order', async () => {
    const dir = directory();
    writeFileSync(join(dir, 'orders.json'), '[{"id": 12345678901234567890, "total": 0.10, "z": 1, "a": 2}, {"id": 2, "total": 5}]');
    const store = new JsonFileStore({ directory: dir });
    await store.update('orders', 2, { total: 6 });
    const text = readFileSync(join(dir, 'orders.json'), 'utf8');
    assert.match(text, /\{"id":12345678901234567890,"total":0\.10,"z":1,"a":2\}/);
    assert.match(text, /\{"id":2,"total":6\}/);
  });

  it('loads neither the command line nor the SQLite driver', () => {
    // Walk the compiled module graph from the package export, by its import statements.
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../src/dual-write/index.js');
    const seen = new Set<string>();
    const imports: string[] = [];
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
        if (spec!.startsWith('.')) walk(resolve(dirname(file), spec!));
        else imports.push(spec!);
      }
    };
    walk(root);
    assert.ok(![...seen].some((f) => f.includes('/cli/')), [...seen].join('\n'));
    assert.ok(!imports.some((i) => i === 'better-sqlite3' || i === 'commander'), imports.join(', '));
  });

  it('takes over a lock its holder left (an earlier process with this pid, a dead pid), and waits for a live one', async () => {
    const dir = directory();
    const store = new JsonFileStore({ directory: dir });
    for (const pid of [process.pid, 2 ** 22 + 17]) {
      writeFileSync(join(dir, 'users.json.lock'), `${hostname()} ${pid} left-behind`);
      await store.insert('users', { id: `u${pid}` });
      assert.deepEqual(readdirSync(dir).sort(), ['users.json'], `the lock of pid ${pid} was taken over and removed`);
    }
    writeFileSync(join(dir, 'users.json.lock'), `${hostname()} ${process.ppid} live`);
    await assert.rejects(
      withFileLock(join(dir, 'users.json'), () => undefined, 200),
      (e: PgferryError) => e.code === 'JSON_LOCKED' && /locked by another process/.test(e.message),
    );
    assert.equal(readFileSync(join(dir, 'users.json.lock'), 'utf8'), `${hostname()} ${process.ppid} live`, 'a live holder\'s lock is left alone');
  });
});

