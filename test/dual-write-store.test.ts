/**
 * createDualWriteStore beyond the five phases: settings that cannot work are refused; with PostgreSQL primary, a JSON
 * write that fails is logged and repaired from PostgreSQL; a record PostgreSQL's mapping cannot take fails the
 * request when PostgreSQL is primary; with PostgreSQL unreachable as the secondary, requests are answered from JSON
 * and shadow reads record the failure. The oracle is the test's own SQL and JSON.parse.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { createDualWriteStore, readFailedWrites, type ShadowMismatch } from 'pgferry/dual-write';
import { freeLoopbackPort } from '../src/embedded/free-port.js';
import type { PgferryError } from '../src/errors/pgferry-error.js';
import { cli } from './harness/cli.js';
import { startPgBouncer } from './harness/pgbouncer.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const exampleData = fileURLToPath(new URL('../../examples/json-app/data', import.meta.url));
const ann = '0b6f3c1e-8a2d-4f5e-9c7b-1d2e3f4a5b6c';

/** The example app's data (changed by `edit` first, when given), its drafted plan, migrated into a fresh database. */
async function migrated(edit?: (data: string) => void): Promise<{ dir: string; data: string; plan: string; url: string; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-dual-store-'));
  const data = join(dir, 'data');
  cpSync(exampleData, data, { recursive: true });
  edit?.(data);
  const plan = join(dir, 'plan.yaml');
  assert.equal((await cli('infer', '--from', `json://${data}`, '--out', plan)).code, 0);
  const { url } = await freshDatabase(await testServer(17));
  const run = await cli('migrate', '--plan', plan, '--from', `json://${data}`, '--to', url, '--run-dir', join(dir, 'runs'));
  assert.equal(run.code, 0, run.stdout + run.stderr);
  return { dir, data, plan, url, log: join(dir, 'failed.ndjson') };
}

const usersInFile = (data: string) => new Map((JSON.parse(readFileSync(join(data, 'users.json'), 'utf8')) as Array<{ id: string; name: string }>).map((u) => [u.id, u]));

describe('the dual-write store', () => {
  it('refuses settings that cannot work, naming why', async () => {
    const { data, plan, url } = await migrated();
    const base = { mapping: { planFile: plan }, json: { directory: data }, postgres: { url } };
    const refused = (config: Parameters<typeof createDualWriteStore>[0], why: RegExp) =>
      assert.throws(() => createDualWriteStore(config), (e: PgferryError) => e.code === 'DUAL_WRITE_CONFIG' && why.test(e.message));
    refused({ ...base, reads: 'json', writes: 'postgres' }, /reads from json but writes only to postgres/);
    refused({ ...base, reads: 'json', writes: 'both' }, /no failedWritesLog/);
    refused({ ...base, reads: 'postgres', writes: 'postgres', shadowReads: true }, /writes must go to both/);
    refused({ mapping: { planFile: plan }, json: { directory: data }, reads: 'postgres', writes: 'postgres' }, /no postgres\.url/);
    refused({ ...base, reads: 'pg' as 'postgres', writes: 'both' }, /reads is "pg"; it takes 'json' or 'postgres'/);
    refused({ ...base, reads: 'json', writes: 'all' as 'both' }, /writes is "all"; it takes 'json', 'postgres' or 'both'/);
    refused({ ...base, mapping: undefined as unknown as string, reads: 'json', writes: 'json' }, /no mapping is given/);
    // The plan file's path alone is taken too.
    createDualWriteStore({ ...base, mapping: plan, reads: 'json', writes: 'json' });
    assert.throws(() => createDualWriteStore({ ...base, mapping: { planFile: join(data, 'users.json') }, reads: 'json', writes: 'json' }), (e: PgferryError) => e.code === 'JSON_MAPPING_INVALID');
  });

  it('with PostgreSQL primary, logs a JSON write that fails and repairs it from PostgreSQL', async () => {
    const { dir, data, plan, url, log } = await migrated();
    const store = createDualWriteStore({ mapping: { planFile: plan }, json: { directory: data }, postgres: { url }, reads: 'postgres', writes: 'both', failedWritesLog: log });
    // The JSON files' directory goes away (a volume not mounted): the JSON side cannot write.
    renameSync(data, `${data}.away`);
    const updated = await store.update('users', ann, { name: 'Ann Updated' });
    assert.equal(updated?.name, 'Ann Updated', 'the request is answered by the primary');
    assert.equal(await store.delete('users', '4fad7a5c-2e6b-4d9c-9a1f-5b6c7d8e9fa0'), true);
    await store.close();
    assert.deepEqual(readFailedWrites(log).map((f) => [f.store, f.op]), [['json', 'put'], ['json', 'delete']]);
    assert.equal(store.stats().secondaryFailures, 2);
    renameSync(`${data}.away`, data);
    assert.equal(usersInFile(data).get(ann)?.name, 'Ann', 'the file missed the write');

    const repaired = await cli('repair', '--plan', plan, '--from', `json://${data}`, '--to', url, '--log', log, '--run-dir', join(dir, 'runs'));
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    assert.match(repaired.stdout, /2 logged failure\(s\) naming 2 record\(s\); 2 repaired/);
    const users = usersInFile(data);
    assert.equal(users.get(ann)?.name, 'Ann Updated');
    assert.equal(users.has('4fad7a5c-2e6b-4d9c-9a1f-5b6c7d8e9fa0'), false);
    const verified = await cli('verify', '--plan', plan, '--from', `json://${data}`, '--to', url, '--run-dir', join(dir, 'runs'));
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  });

  it('with PostgreSQL primary, a record the mapping cannot take fails the request and touches neither store', async () => {
    const { data, plan, url, log } = await migrated();
    const before = readFileSync(join(data, 'users.json'), 'utf8');
    const store = createDualWriteStore({ mapping: { planFile: plan }, json: { directory: data }, postgres: { url }, reads: 'postgres', writes: 'both', failedWritesLog: log });
    await assert.rejects(
      store.insert('users', { id: 'not-a-uuid', email: 'x@example.com', name: 'X', createdAt: '2024-01-01T00:00:00Z', admin: false }),
      (e: PgferryError) => e.code === 'JSON_RECORD_REJECTED' && /"not-a-uuid" is not a UUID/.test(e.message),
    );
    await assert.rejects(store.insert('users', { id: ann, email: 'x@example.com', name: 'X', createdAt: '2024-01-01T00:00:00Z', admin: false }), (e: PgferryError) => e.code === 'JSON_KEY_TAKEN');
    await store.close();
    assert.equal(readFileSync(join(data, 'users.json'), 'utf8'), before);
    assert.deepEqual(await withClient(url, async (c) => (await c.query('SELECT count(*)::int AS n FROM users')).rows), [{ n: 5 }]);
    assert.deepEqual(readFailedWrites(log), []);
  });

  it('with PostgreSQL unreachable as the secondary, answers from JSON and records every miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-dual-down-'));
    const data = join(dir, 'data');
    cpSync(exampleData, data, { recursive: true });
    const plan = join(dir, 'plan.yaml');
    assert.equal((await cli('infer', '--from', `json://${data}`, '--out', plan)).code, 0);
    const port = await freeLoopbackPort();
    const mismatches: ShadowMismatch[] = [];
    const log = join(dir, 'failed.ndjson');
    const store = createDualWriteStore({ mapping: { planFile: plan }, json: { directory: data }, postgres: { url: `postgres://app:secret@127.0.0.1:${port}/app`, connectTimeoutSeconds: 1 }, reads: 'json', writes: 'both', shadowReads: true, failedWritesLog: log, onMismatch: (m) => mismatches.push(m) });
    assert.equal((await store.get('users', ann))?.name, 'Ann');
    assert.equal((await store.update('users', ann, { name: 'Ann B' }))?.name, 'Ann B');
    await store.close();
    assert.equal(usersInFile(data).get(ann)?.name, 'Ann B');
    assert.equal(mismatches.length, 1);
    assert.match(mismatches[0]!.error ?? '', /connection refused/);
    const failures = readFailedWrites(log);
    assert.deepEqual(failures.map((f) => [f.store, f.collection, f.key, f.op, f.error.code]), [['postgres', 'users', ann, 'put', 'CONNECT_REFUSED']]);
    assert.doesNotMatch(readFileSync(log, 'utf8'), /secret/);
  });

  it('works through PgBouncer in transaction mode, the pooled URL an application is given, with concurrent updates of one record', async () => {
    const { data, plan, url, log } = await migrated();
    const bouncer = await startPgBouncer(await testServer(17), 'transaction');
    try {
      const database = new URL(url).pathname.slice(1);
      const store = createDualWriteStore({ mapping: { planFile: plan }, json: { directory: data }, postgres: { url: bouncer.url(database), poolSize: 3 }, reads: 'postgres', writes: 'both', failedWritesLog: log });
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.update('users', ann, { [`field${i}`]: i })));
      const record = await store.get('users', ann);
      await store.close();
      assert.equal(store.stats().secondaryFailures, 0);
      assert.deepEqual(Array.from({ length: 20 }, (_, i) => record?.[`field${i}`]), Array.from({ length: 20 }, (_, i) => i), 'every concurrent update kept');
      const extra = await withClient(url, async (c) => (await c.query('SELECT extra FROM users WHERE id = $1', [ann])).rows[0].extra as Record<string, unknown>);
      assert.equal(Object.keys(extra).filter((k) => k.startsWith('field')).length, 20);
    } finally {
      await bouncer.stop();
    }
  });

  it('matches a UUID key in any case in the file, as PostgreSQL does: an update replaces the record, a delete removes it', async () => {
    const { data, plan, url, log } = await migrated();
    const upper = ann.toUpperCase();
    writeFileSync(join(data, 'users.json'), readFileSync(join(data, 'users.json'), 'utf8').replace(ann, upper));
    const phase4 = createDualWriteStore({ mapping: plan, json: { directory: data }, postgres: { url }, reads: 'postgres', writes: 'both', failedWritesLog: log });
    await phase4.update('users', ann, { name: 'Ann Cased' });
    await phase4.close();
    const records = JSON.parse(readFileSync(join(data, 'users.json'), 'utf8')) as Array<{ id: string; name: string }>;
    assert.deepEqual(records.filter((r) => r.id.toLowerCase() === ann).map((r) => r.name), ['Ann Cased'], 'one record, updated in place');
    const phase1 = createDualWriteStore({ mapping: plan, json: { directory: data }, postgres: { url }, reads: 'json', writes: 'both', failedWritesLog: log });
    assert.equal(await phase1.delete('users', upper), true);
    await phase1.close();
    assert.equal((JSON.parse(readFileSync(join(data, 'users.json'), 'utf8')) as Array<{ id: string }>).some((r) => r.id.toLowerCase() === ann), false);
    assert.deepEqual(await withClient(url, async (c) => (await c.query('SELECT count(*)::int AS n FROM users WHERE id = $1', [ann])).rows), [{ n: 0 }]);
    assert.deepEqual(readFailedWrites(log), []);
  });

  it('repairs PostgreSQL from the file with the numbers the file holds, as written', async () => {
    const { dir, data, plan, url, log } = await migrated((data) => {
      const users = join(data, 'users.json');
      writeFileSync(users, readFileSync(users, 'utf8').replace(`"id": "${ann}",`, `"id": "${ann}", "big": 12345678901234567890, "ratio": 0.10,`));
    });
    // PostgreSQL unreachable for the application: the update is logged, then repaired from the file.
    const store = createDualWriteStore({ mapping: plan, json: { directory: data }, postgres: { url: `postgres://postgres@127.0.0.1:${await freeLoopbackPort()}/app`, connectTimeoutSeconds: 1 }, reads: 'json', writes: 'both', failedWritesLog: log });
    await store.update('users', ann, { name: 'Ann Repaired' });
    await store.close();
    assert.equal(readFailedWrites(log).length, 1);
    const repaired = await cli('repair', '--plan', plan, '--from', `json://${data}`, '--to', url, '--log', log, '--run-dir', join(dir, 'runs'));
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    const row = await withClient(url, async (c) => (await c.query("SELECT name, big::text AS big, ratio::text AS ratio FROM users WHERE id = $1", [ann])).rows[0]);
    assert.deepEqual(row, { name: 'Ann Repaired', big: '12345678901234567890', ratio: '0.10' });
  });
});

