/**
 * The five phases of a move from JSON files to PostgreSQL (docs/JSON.md), with the example app's data, on a
 * PostgreSQL 17 server of the test's own: writers go on through the dual-write store while the backfill runs in
 * another process; the server is crashed and restarted mid-test (the failed writes are logged, then repaired);
 * verify finds no discrepancy; reads switch to PostgreSQL with shadow reads; JSON writes stop; the rollback exports
 * PostgreSQL back to JSON. The oracle is the test's own record of every acknowledged write, checked against the
 * files (JSON.parse) and the tables (SQL).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { createDualWriteStore, readFailedWrites, type DualWriteStore } from '../src/dual-write/index.js';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { cli } from './harness/cli.js';
import { withClient } from './harness/servers.js';
import { spawnCli } from './harness/spawn-cli.js';

const exampleData = fileURLToPath(new URL('../../examples/json-app/data', import.meta.url));
type Rec = Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every acknowledged write, as the state it leaves: collection → key → record (null: deleted). */
class Acknowledged {
  readonly users = new Map<string, Rec | null>();
  readonly projects = new Map<string, Rec | null>();
  live(collection: 'users' | 'projects'): Map<string, Rec> {
    return new Map([...this[collection]].filter((e): e is [string, Rec] => e[1] !== null));
  }
}

const userId = (worker: number, k: number) => `0000000${worker}-0000-4000-8000-${String(k).padStart(12, '0')}`;
const projectId = (worker: number) => `0000000${worker}-1111-4000-8000-000000000000`;

function newUser(id: string, n: number): Rec {
  return { id, email: `${id.slice(0, 8)}-${n}@example.com`, name: `User ${n}`, createdAt: '2024-06-01T10:00:00Z', admin: n % 2 === 0, age: n };
}

function project(id: string, n: number): Rec {
  const tasks = Array.from({ length: n % 4 }, (_, i) => ({ id: i + 1, title: `task ${n}.${i}`, done: i % 2 === 0, estimate: i + n }));
  return { id, ownerId: '0b6f3c1e-8a2d-4f5e-9c7b-1d2e3f4a5b6c', title: `Project ${n}`, budget: n * 10.5, archived: false, tasks, milestones: n % 3 === 0 ? [] : [{ name: `m${n}`, due: '2025-01-31' }] };
}

/** A writer that works on records of its own until stopped: inserts, updates (nested arrays too) and deletes. */
async function writer(store: DualWriteStore, worker: number, acked: Acknowledged, stop: { now: boolean }, from = 0): Promise<number> {
  let n = from;
  const pid = projectId(worker);
  if (!acked.projects.get(pid)) {
    await store.insert('projects', project(pid, 0));
    acked.projects.set(pid, project(pid, 0));
  }
  while (!stop.now) {
    n += 1;
    const id = userId(worker, n % 7);
    const current = acked.users.get(id);
    if (n % 5 === 0) {
      await store.update('projects', pid, { title: `Project ${n}`, tasks: project(pid, n).tasks, milestones: project(pid, n).milestones });
      acked.projects.set(pid, { ...acked.projects.get(pid)!, title: `Project ${n}`, tasks: project(pid, n).tasks, milestones: project(pid, n).milestones });
    } else if (!current) {
      await store.insert('users', newUser(id, n));
      acked.users.set(id, newUser(id, n));
    } else if (n % 3 === 0) {
      assert.equal(await store.delete('users', id), true);
      acked.users.set(id, null);
    } else {
      const updated = await store.update('users', id, { name: `User ${n}`, age: n });
      assert.ok(updated);
      acked.users.set(id, { ...current, name: `User ${n}`, age: n });
    }
  }
  return n - from;
}

function fileRecords(file: string): Map<string, Rec> {
  return new Map((JSON.parse(readFileSync(file, 'utf8')) as Rec[]).map((r) => [r.id as string, r]));
}

/** The test's own normalization: keys sorted, ISO timestamps with an offset as instants. */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalized);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, normalized((value as Rec)[k])]));
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(value)) return `instant:${Date.parse(value)}`;
  return value;
}

/** The JSON files hold exactly the acknowledged records, whole: every one written, none deleted, nothing else. */
function assertFilesHold(data: string, acked: Acknowledged): void {
  for (const collection of ['users', 'projects'] as const) {
    const inFile = fileRecords(join(data, `${collection}.json`));
    const expected = acked.live(collection);
    assert.deepEqual([...inFile.keys()].sort(), [...expected.keys()].sort(), `${collection}: the file holds the acknowledged records`);
    for (const [id, record] of expected) assert.deepEqual(normalized(inFile.get(id)), normalized(record), `${collection} ${id} in ${data}`);
  }
}

/** Every acknowledged user and project is in PostgreSQL (checked by SQL of the test's own). */
async function assertTablesHold(url: string, acked: Acknowledged): Promise<void> {
  await withClient(url, async (c) => {
    const users = new Map((await c.query<{ id: string; name: string; age: unknown }>('SELECT id::text, name, age FROM users')).rows.map((r) => [r.id, r]));
    for (const [id, record] of acked.users) {
      if (record === null) assert.equal(users.has(id), false, `deleted user ${id} is gone from PostgreSQL`);
      else assert.deepEqual({ name: users.get(id)?.name, age: users.get(id)?.age }, { name: record.name, age: record.age }, `user ${id} in PostgreSQL`);
    }
    for (const [id, record] of acked.live('projects')) {
      const tasks = (await c.query<{ title: string; done: boolean }>('SELECT title, done FROM tasks WHERE project_id = $1 ORDER BY position', [id])).rows;
      assert.deepEqual(tasks, (record.tasks as Rec[]).map((t) => ({ title: t.title, done: t.done })), `tasks of project ${id} in PostgreSQL`);
    }
  });
}

describe('the five phases of a move from JSON files, with concurrent writes and a server crash', () => {
  let server: LocalServer | undefined;
  after(async () => server?.stop());

  it('loses no acknowledged write, repairs what the crash missed, verifies equal, and rolls back to JSON', { timeout: 300_000 }, async () => {
    server = await startLocalServer({ major: 17, settings: { fsync: 'on', synchronous_commit: 'on' } });
    await withClient(server.url(), (c) => c.query('CREATE DATABASE app'));
    const url = server.url('app');
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-dual-write-'));
    const data = join(dir, 'data');
    cpSync(exampleData, data, { recursive: true });
    // Enough records for a backfill of several batches, so writes land between its first read and its last batch.
    const many = JSON.parse(readFileSync(join(data, 'users.json'), 'utf8')) as Rec[];
    for (let i = 0; i < 3000; i += 1) many.push(newUser(`${String(i).padStart(8, '0')}-aaaa-4000-8000-000000000000`, i));
    writeFileSync(join(data, 'users.json'), JSON.stringify(many, null, 1));
    const plan = join(dir, 'plan.yaml');
    const log = join(dir, 'failed-writes.ndjson');
    const runDir = join(dir, 'runs');
    assert.equal((await cli('infer', '--from', `json://${data}`, '--out', plan)).code, 0);
    const ends = ['--plan', plan, '--from', `json://${data}`, '--to', url, '--run-dir', runDir];

    // Phase 1: the tables, then the application writes both stores, reading from JSON.
    const schema = await cli('migrate', ...ends, '--schema-only');
    assert.equal(schema.code, 0, schema.stdout + schema.stderr);
    const acked = new Acknowledged();
    for (const [id, r] of fileRecords(join(data, 'users.json'))) acked.users.set(id, r);
    for (const [id, r] of fileRecords(join(data, 'projects.json'))) acked.projects.set(id, r);
    const phase1 = createDualWriteStore({ mapping: { planFile: plan }, json: { directory: data }, postgres: { url, connectTimeoutSeconds: 2 }, reads: 'json', writes: 'both', failedWritesLog: log });
    const stop = { now: false };
    const writers = [1, 2, 3].map((w) => writer(phase1, w, acked, stop));

    // Phase 2: the backfill runs in another process while the writers go on.
    await sleep(300);
    const backfill = spawnCli('migrate', ...ends, '--no-verify');
    const backfilled = await backfill.exited;
    assert.equal(backfilled.code, 0, backfilled.stdout + backfilled.stderr);
    assert.match(backfilled.stdout, /users\s*│\s*3,0\d\d/);
    stop.now = true;
    const during = await Promise.all(writers);
    assert.ok(during.every((n) => n > 3), `each writer made writes during the backfill: ${during.join(', ')}`);

    // Phase 3: validate, record by record; and the test's own oracle on both stores.
    const verified = await cli('verify', ...ends);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /users[^\n]*100%/);
    assertFilesHold(data, acked);
    await assertTablesHold(url, acked);

    // PostgreSQL goes down mid-write and comes back: the JSON side (primary) keeps answering; the misses are logged.
    const stopAgain = { now: false };
    const writersAgain = [1, 2, 3].map((w) => writer(phase1, w, acked, stopAgain, 1000));
    await sleep(300);
    await server.crash();
    await sleep(500);
    await server.restart();
    await sleep(300);
    stopAgain.now = true;
    await Promise.all(writersAgain);
    await phase1.close();
    const failures = readFailedWrites(log);
    assert.ok(phase1.stats().secondaryFailures > 0 && failures.length === phase1.stats().secondaryFailures, `the failures were logged: ${phase1.stats().secondaryFailures}, ${failures.length}`);
    assert.ok(failures.every((f) => f.store === 'postgres'));
    const missed = await cli('verify', ...ends);
    assert.equal(missed.code, 1, 'the writes PostgreSQL missed show as differences before the repair');

    const repaired = await cli('repair', ...ends, '--log', log);
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    assert.match(repaired.stdout, /REPAIRED/);
    assert.equal(readFailedWrites(log).length, 0);
    const afterRepair = await cli('verify', ...ends);
    assert.equal(afterRepair.code, 0, afterRepair.stdout + afterRepair.stderr);
    assertFilesHold(data, acked);
    await assertTablesHold(url, acked);

    // Phase 4: reads from PostgreSQL, still writing both, shadow reads on.
    const mismatches: unknown[] = [];
    const phase4 = createDualWriteStore({ mapping: { planFile: plan }, json: { directory: data }, postgres: { url }, reads: 'postgres', writes: 'both', shadowReads: true, failedWritesLog: log, onMismatch: (m) => mismatches.push(m) });
    const someone = [...acked.live('users').keys()][0]!;
    await phase4.update('users', someone, { name: 'Switched' });
    acked.users.set(someone, { ...acked.users.get(someone)!, name: 'Switched' });
    assert.equal((await phase4.get('users', someone))?.name, 'Switched');
    assert.equal((await phase4.list('projects')).length, acked.live('projects').size);
    assert.deepEqual(mismatches, []);
    assert.equal(phase4.stats().shadowReads, 2);
    // A shadow read notices a store that drifted.
    await withClient(url, (c) => c.query("UPDATE users SET name = 'Drifted' WHERE id = $1", [someone]));
    await phase4.get('users', someone);
    assert.equal(mismatches.length, 1);
    assert.deepEqual((mismatches[0] as unknown as { differences: string[] }).differences, ['name']);
    await phase4.update('users', someone, { name: 'Switched' });
    await phase4.close();

    // Phase 5: JSON writes stop; the files stay as they were.
    const frozen = readFileSync(join(data, 'users.json'), 'utf8');
    const phase5 = createDualWriteStore({ mapping: { planFile: plan }, json: { directory: data }, postgres: { url }, reads: 'postgres', writes: 'postgres' });
    const late = newUser('99999999-0000-4000-8000-000000000001', 99);
    await phase5.insert('users', late);
    acked.users.set(late.id as string, late);
    await phase5.close();
    assert.equal(readFileSync(join(data, 'users.json'), 'utf8'), frozen);

    // The emergency rollback: PostgreSQL back to JSON, then verify equal; every acknowledged write is in the files.
    const rolledBack = join(dir, 'rolled-back');
    const exported = await cli('export', '--plan', plan, '--from', url, '--to', `json://${rolledBack}`, '--run-dir', runDir);
    assert.equal(exported.code, 0, exported.stdout + exported.stderr);
    const again = await cli('verify', '--plan', plan, '--from', `json://${rolledBack}`, '--to', url, '--run-dir', runDir);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assertFilesHold(rolledBack, acked);
    assert.ok(existsSync(join(rolledBack, 'projects.json')));
  });
});
