/**
 * A JSON source end to end on PostgreSQL 17, through the command line: migrate creates the tables and upserts every
 * record (a re-run writes nothing), rejects what cannot be loaded with the reason, verify compares record by record,
 * export writes the original shape back. The oracle is the test's own SQL and its own JSON.parse of the files.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const exampleData = fileURLToPath(new URL('../../examples/json-app/data', import.meta.url));

/** A copy of the example app's data and its drafted plan, in a directory of its own. */
async function exampleCopy(): Promise<{ dir: string; data: string; plan: string; runDir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-json-migrate-'));
  const data = join(dir, 'data');
  cpSync(exampleData, data, { recursive: true });
  const plan = join(dir, 'plan.yaml');
  const inferred = await cli('infer', '--from', `json://${data}`, '--out', plan);
  assert.equal(inferred.code, 0, inferred.stderr);
  return { dir, data, plan, runDir: join(dir, 'runs') };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The test's own normalization: keys sorted, ISO timestamps as instants, numbers as JavaScript numbers. */
function normalized(value: Json): Json {
  if (Array.isArray(value)) return value.map(normalized);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, normalized(value[k]!)]));
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(value)) return `instant:${Date.parse(value)}`;
  return value;
}

function fileRecords(file: string): Json[] {
  return JSON.parse(readFileSync(file, 'utf8')) as Json[];
}

describe('migrate, verify and export a JSON source', () => {
  it('creates the tables, loads every record with its nested arrays, and a re-run changes no row', async () => {
    const { data, plan, runDir } = await exampleCopy();
    const target = await freshDatabase(await testServer(17));
    const argv = ['--plan', plan, '--from', `json://${data}`, '--to', target.url, '--run-dir', runDir];
    const first = await cli('migrate', ...argv);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /MIGRATED: 8 records in 2 collections[^\n]*EQUAL/);
    const rows = (sql: string) => withClient(target.url, async (c) => (await c.query(sql)).rows);
    assert.deepEqual(await rows('SELECT count(*)::int AS n FROM users'), [{ n: 5 }]);
    assert.deepEqual(await rows('SELECT title, done, estimate::text FROM tasks ORDER BY project_id, position'), [
      { title: 'Wireframes', done: true, estimate: '8' },
      { title: 'Copy', done: false, estimate: '5' },
      { title: 'Prototype', done: false, estimate: '13' },
    ]);
    // An offset is kept as the instant; a number kept as written; a field whose type varies kept as jsonb.
    assert.deepEqual(await rows("SELECT created_at = '2024-03-31T22:00:00Z'::timestamptz AS same, age::text FROM users WHERE email = 'dee@example.com'"), [{ same: true, age: null }]);
    assert.deepEqual(await rows("SELECT age::text, budget::text FROM users, projects WHERE email = 'bob@example.com' AND title = 'Website relaunch'"), [{ age: '"41"', budget: '12500.50' }]);
    assert.deepEqual(await rows("SELECT tags FROM projects WHERE title = 'Old intranet'"), [{ tags: ['legacy', 'internal'] }]);

    const before = await rows('SELECT xmin::text, id::text FROM users UNION ALL SELECT xmin::text, project_id::text || position FROM tasks ORDER BY 2');
    const again = await cli('migrate', ...argv);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /users\s*│\s*5\s*│\s*0\s*│\s*0\s*│\s*5/);
    assert.deepEqual(await rows('SELECT xmin::text, id::text FROM users UNION ALL SELECT xmin::text, project_id::text || position FROM tasks ORDER BY 2'), before, 'no row was written again');

    // The file changes: a task renamed, a milestone dropped, a user added.
    const projects = fileRecords(join(data, 'projects.json')) as Array<{ tasks: Array<{ title: string }>; milestones: unknown[] }>;
    projects[0]!.tasks[1]!.title = 'Copywriting';
    projects[0]!.milestones.pop();
    writeFileSync(join(data, 'projects.json'), JSON.stringify(projects, null, 2));
    const users = fileRecords(join(data, 'users.json'));
    users.push({ id: '5a0b8c6d-3f7c-4eaf-8b2a-6c7d8e9fa0b1', email: 'fay@example.com', name: 'Fay', createdAt: '2024-06-01T10:00:00Z', admin: false, age: 23 });
    writeFileSync(join(data, 'users.json'), JSON.stringify(users, null, 2));
    const third = await cli('migrate', ...argv);
    assert.equal(third.code, 0, third.stdout + third.stderr);
    assert.deepEqual(await rows("SELECT title FROM tasks WHERE position = 1 AND title LIKE 'Copy%'"), [{ title: 'Copywriting' }]);
    assert.deepEqual(await rows("SELECT count(*)::int AS n FROM milestones m JOIN projects p ON p.id = m.project_id WHERE p.title = 'Website relaunch'"), [{ n: 1 }]);
    assert.deepEqual(await rows('SELECT count(*)::int AS n FROM users'), [{ n: 6 }]);
  });

  it('sets aside records it cannot load, with the reason, and the counts reconcile', async () => {
    const { data, plan, runDir } = await exampleCopy();
    const users = fileRecords(join(data, 'users.json')) as Array<Record<string, Json>>;
    users.push({ ...users[0]!, id: 'not-a-uuid', email: 'x@example.com' });
    users.push({ ...users[1]!, id: '6b1c9d7e-4a8d-4fb0-9c3b-7d8e9fa0b1c2', admin: 'yes' });
    users.push({ ...users[2]! });
    writeFileSync(join(data, 'users.json'), JSON.stringify(users));
    // infer drafted ownerId and tasks[].assignee as references to users: a project of nobody, a task for nobody.
    assert.match(readFileSync(plan, 'utf8'), /field: ownerId\n\s*column: owner_id\n\s*type: uuid\n\s*notNull: true\n\s*references: users/);
    const projects = fileRecords(join(data, 'projects.json')) as Array<Record<string, Json>>;
    projects.push({ ...projects[0]!, id: 'a1b2c3d4-0009-4000-8000-000000000009', ownerId: '99999999-8a2d-4f5e-9c7b-1d2e3f4a5b6c' });
    projects.push({ ...projects[1]!, id: 'a1b2c3d4-0010-4000-8000-000000000010', tasks: [{ id: 1, title: 'x', done: false, estimate: 1, assignee: '88888888-9b3e-4a6f-8d8c-2e3f4a5b6c7d' }] });
    writeFileSync(join(data, 'projects.json'), JSON.stringify(projects));
    const target = await freshDatabase(await testServer(17));
    const run = await cli('migrate', '--plan', plan, '--from', `json://${data}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /ROWS_REJECTED[^\n]*users: 8 read = 5 loaded \+ 3 rejected/);
    assert.match(run.stdout, /ROWS_REJECTED[^\n]*projects: 5 read = 3 loaded \+ 2 rejected/);
    assert.match(run.stdout, /rejected: projects record 4 [^\n]*ownerId: missing parent: users has no record with key "99999999-/);
    assert.match(run.stdout, /rejected: projects record 5 [^\n]*tasks\[0\]\.assignee: missing parent: users has no record with key "88888888-/);
    assert.match(run.stdout, /EQUAL EXCEPT SET ASIDE: 5 record/);
    // Records set aside are not equal ones: accuracy counts them (5 equal of 8 users).
    assert.match(run.stdout, /users\s*│\s*8\s*│\s*5\s*│\s*5\s*│[^\n]*62\.5%/);
    assert.match(run.stdout, /users \["not-a-uuid"\]: id: "not-a-uuid" is not a UUID/);
    const rejectFile = /\((\/[^)]*users\.ndjson)\)/.exec(run.stdout)?.[1];
    assert.ok(rejectFile && existsSync(rejectFile), run.stdout);
    const lines = readFileSync(rejectFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { record: number; field: string; reason: string });
    assert.deepEqual(lines.map((l) => [l.record, l.field]), [[6, 'id'], [7, 'admin'], [8, 'id']]);
    assert.match(lines[0]!.reason, /"not-a-uuid" is not a UUID/);
    assert.match(lines[1]!.reason, /a string where the mapping has boolean/);
    assert.match(lines[2]!.reason, /the key is given again: record 3 has it too/);
    assert.deepEqual(await withClient(target.url, async (c) => (await c.query('SELECT count(*)::int AS n FROM users')).rows), [{ n: 5 }]);
  });

  it('verify names missing, extra and differing records with their fields and an accuracy per collection', async () => {
    const { data, plan, runDir } = await exampleCopy();
    const target = await freshDatabase(await testServer(17));
    const argv = ['--plan', plan, '--from', `json://${data}`, '--to', target.url, '--run-dir', runDir];
    assert.equal((await cli('migrate', ...argv)).code, 0);
    await withClient(target.url, async (c) => {
      await c.query("UPDATE users SET name = 'Anne' WHERE email = 'ann@example.com'");
      await c.query("DELETE FROM users WHERE email = 'eve@example.com'");
      await c.query("UPDATE tasks SET done = NOT done WHERE title = 'Copy'");
      await c.query("INSERT INTO users (id, email, name, created_at, admin) VALUES ('7c2d0e8f-5b9e-4ac1-8d4c-8e9fa0b1c2d3', 'zed@example.com', 'Zed', now(), false)");
    });
    const run = await cli('verify', ...argv);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /users \["0b6f3c1e-8a2d-4f5e-9c7b-1d2e3f4a5b6c"\] differs in name/);
    assert.match(run.stdout, /users \["4fad7a5c-2e6b-4d9c-9a1f-5b6c7d8e9fa0"\] is in the file, not in PostgreSQL/);
    assert.match(run.stdout, /users \["7c2d0e8f-5b9e-4ac1-8d4c-8e9fa0b1c2d3"\] is in PostgreSQL, not in the file/);
    assert.match(run.stdout, /projects \["a1b2c3d4-0001-4000-8000-000000000001"\] differs in tasks\[1\]\.done/);
    // users: 3 equal of 6 compared; projects: 2 of 3.
    assert.match(run.stdout, /users\s*│\s*5\s*│\s*5\s*│\s*3\s*│\s*1\s*│\s*1\s*│\s*1\s*│\s*0\s*│\s*50%/);
    assert.match(run.stdout, /projects\s*│[^\n]*66\.66%/);
    assert.match(run.stdout, /DIFFERENT: 4 record/);
  });

  it('exports PostgreSQL back to the original shape, atomically, and verify finds the files equal', async () => {
    const { dir, data, plan, runDir } = await exampleCopy();
    const target = await freshDatabase(await testServer(17));
    assert.equal((await cli('migrate', '--plan', plan, '--from', `json://${data}`, '--to', target.url, '--run-dir', runDir)).code, 0);
    const out = join(dir, 'exported');
    const exported = await cli('export', '--plan', plan, '--from', target.url, '--to', `json://${out}`, '--run-dir', runDir);
    assert.equal(exported.code, 0, exported.stdout + exported.stderr);
    for (const file of ['users.json', 'projects.json']) {
      assert.deepEqual(fileRecords(join(out, file)).map(normalized), fileRecords(join(data, file)).map(normalized), file);
    }
    // Absent stays absent, null stays null, a number keeps its text.
    const users = fileRecords(join(out, 'users.json')) as Array<Record<string, Json>>;
    assert.equal('nickname' in users[0]!, false);
    assert.equal(users[3]!.age, null);
    assert.match(readFileSync(join(out, 'projects.json'), 'utf8'), /"budget":12500\.50/);
    const verified = await cli('verify', '--plan', plan, '--from', `json://${out}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /\bEQUAL\b/);
    const again = await cli('export', '--plan', plan, '--from', target.url, '--to', `json://${out}`, '--run-dir', runDir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /JSON_EXPORT_REFUSED[\s\S]*--overwrite/);
    assert.equal((await cli('export', '--plan', plan, '--from', target.url, '--to', `json://${out}`, '--run-dir', runDir, '--overwrite')).code, 0);
  });

  it('stops on a malformed file, naming the file and the place, before writing anything', async () => {
    const { data, plan, runDir } = await exampleCopy();
    const target = await freshDatabase(await testServer(17));
    const cases: Array<[string, RegExp]> = [
      ['[\n  {"id": "0b6f3c1e-8a2d-4f5e-9c7b-1d2e3f4a5b6c", "email": "ann@exa', /users\.json, line 2, column 59: a string is not closed/],
      ['{"users": []}', /users\.json, line 1, column 1: the file holds an object, not an array of records/],
      ['[{"id": "0b6f3c1e-8a2d-4f5e-9c7b-1d2e3f4a5b6c", "name": "Ann", "name": "Anne"}]', /users\.json, line 1, column 64: the key "name" appears twice/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(join(data, 'users.json'), text);
      const run = await cli('migrate', '--plan', plan, '--from', `json://${data}`, '--to', target.url, '--run-dir', runDir);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /JSON_INVALID/);
      assert.match(run.stderr, message);
    }
    assert.deepEqual(await withClient(target.url, async (c) => (await c.query("SELECT to_regclass('users') AS t, to_regclass('projects') AS p")).rows), [{ t: null, p: null }]);
  });

  it('refuses a plan without a json mapping, and a table that lacks a mapped column', async () => {
    const { data, plan, runDir } = await exampleCopy();
    const target = await freshDatabase(await testServer(17), 'CREATE TABLE users (id uuid PRIMARY KEY, email text)');
    const early = await cli('verify', '--plan', plan, '--from', `json://${data}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(early.code, 2);
    assert.match(early.stderr, /JSON_TABLES_MISSING\]: [^\n]*has no table public\.projects, public\.tasks, public\.milestones[\s\S]*pgferry migrate with this plan first/);
    const none = await cli('migrate', '--from', `json://${data}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /JSON_MAPPING_INVALID[\s\S]*pgferry infer/);
    const mismatch = await cli('migrate', '--plan', plan, '--from', `json://${data}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /JSON_TABLE_MISMATCH\]: the target's table public\.users has no column name, created_at, admin, age, settings, nickname, extra, which the mapping writes/);
  });

  it('takes NDJSON and arrays nested two deep as a non-superuser under odd session settings; a row PostgreSQL refuses is found and rejected', async () => {
    const server = await testServer(17);
    const name = `json_owner_${process.pid}`;
    await withClient(server.url(), async (c) => {
      await c.query(`CREATE ROLE ${name} LOGIN PASSWORD 'owner-pw'`);
      await c.query(`CREATE DATABASE ${name} OWNER ${name}`);
      await c.query(`ALTER DATABASE ${name} SET DateStyle = 'SQL, DMY'`);
      await c.query(`ALTER DATABASE ${name} SET TimeZone = 'Pacific/Chatham'`);
      await c.query(`ALTER DATABASE ${name} SET search_path = nowhere`);
      await c.query(`ALTER DATABASE ${name} SET extra_float_digits = -3`);
    });
    const url = server.url(name, name, 'owner-pw');
    // The application's own table, with a check pgferry does not know about.
    await withClient(url, (c) => c.query('CREATE TABLE public.orders (id bigint PRIMARY KEY, total numeric(7,2) CHECK (total >= 0), placed_at timestamptz, extra jsonb)'));
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-json-nested-'));
    const data = join(dir, 'data');
    const lines = [
      { id: 1, total: 12.5, placedAt: '2024-05-01T09:00:00+12:45', lines: [{ sku: 'a', qty: 2, options: [{ k: 'color', v: 'red' }, { k: 'size', v: 'L' }] }, { sku: 'b', qty: 1, options: [] }], note: 'gift' },
      { id: 2, total: -5, placedAt: '2024-05-02T10:00:00Z', lines: [] },
      { id: 3, total: 99999.99, placedAt: '2024-05-03T11:30:00.123456Z', lines: [{ sku: 'c', qty: 7 }] },
    ];
    cpSync(exampleData, data, { recursive: true });
    writeFileSync(join(data, 'orders.ndjson'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const plan = join(dir, 'plan.yaml');
    writeFileSync(
      plan,
      `json:
  collections:
    orders:
      file: orders.ndjson
      table: orders
      key: [id]
      columns:
        - { field: id, column: id, type: bigint, notNull: true }
        - { field: total, column: total, type: "numeric(7,2)" }
        - { field: placedAt, column: placed_at, type: timestamptz }
      children:
        lines:
          table: order_lines
          parentColumns: [order_id]
          columns:
            - { field: sku, column: sku, type: text }
            - { field: qty, column: qty, type: integer }
          children:
            options:
              table: line_options
              parentColumns: [order_id, line_position]
              columns:
                - { field: k, column: k, type: text }
                - { field: v, column: v, type: text }
`,
    );
    const runDir = join(dir, 'runs');
    const run = await cli('migrate', '--plan', plan, '--from', `json://${data}`, '--to', url, '--run-dir', runDir);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /JSON_NOT_MAPPED[^\n]*projects\.json/);
    assert.match(run.stdout, /orders: 3 read = 2 loaded \+ 1 rejected/);
    assert.match(run.stdout, /rejected: orders record 2 \{"id":2\}: id: PostgreSQL refused it: [^\n]*orders_total_check/);
    // The refused record is in the file and not in PostgreSQL: verify says so (exit 1), it does not call it equal.
    assert.match(run.stdout, /orders \[2\] is in the file, not in PostgreSQL/);
    const options = await withClient(url, async (c) => (await c.query('SELECT order_id::int, line_position, position, k, v FROM public.line_options ORDER BY 1, 2, 3')).rows);
    assert.deepEqual(options, [
      { order_id: 1, line_position: 0, position: 0, k: 'color', v: 'red' },
      { order_id: 1, line_position: 0, position: 1, k: 'size', v: 'L' },
    ]);
    assert.deepEqual(await withClient(url, async (c) => (await c.query("SELECT to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS t FROM public.orders ORDER BY id")).rows), [
      { t: '2024-04-30 20:15:00.000000' },
      { t: '2024-05-03 11:30:00.123456' },
    ]);

    const out = join(dir, 'exported');
    const exported = await cli('export', '--plan', plan, '--from', url, '--to', `json://${out}`, '--run-dir', runDir);
    assert.equal(exported.code, 0, exported.stdout + exported.stderr);
    const written = readFileSync(join(out, 'orders.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json);
    assert.deepEqual(written.map(normalized), [lines[0], lines[2]].map((l) => normalized(l as Json)));
    const verified = await cli('verify', '--plan', plan, '--from', `json://${out}`, '--to', url, '--run-dir', runDir);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  });

  it('keeps what a double, a type\'s equality or Object\'s own names would bend: big ids, long decimals, citext case, fields named t, constructor, __proto__', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-json-bend-'));
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(
      join(data, 'events.json'),
      '[\n' +
        '{"id": 9007199254740993, "name": "Bob", "t": "hello", "amount": 1234567890.123456789012, "toString": "x", "__proto__": {"a": 1}, "constructor": [{"k": "v"}, {"k": "w"}]},\n' +
        '{"id": 2, "name": "Cy", "t": "bye", "amount": 0.10, "constructor": []}\n' +
        ']\n',
    );
    const plan = join(dir, 'plan.yaml');
    assert.equal((await cli('infer', '--from', `json://${data}`, '--out', plan)).code, 0);
    writeFileSync(plan, readFileSync(plan, 'utf8').replace(/(field: name\n\s*column: name\n\s*type: )text/, '$1citext'));
    assert.match(readFileSync(plan, 'utf8'), /type: citext/);
    const target = await freshDatabase(await testServer(17), 'CREATE EXTENSION citext');
    const runDir = join(dir, 'runs');
    const ends = ['--plan', plan, '--from', `json://${data}`, '--to', target.url, '--run-dir', runDir];
    const run = await cli('migrate', ...ends);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const rows = (sql: string) => withClient(target.url, async (c) => (await c.query(sql)).rows);
    assert.deepEqual(await rows('SELECT id::text, t, amount::text FROM events ORDER BY id'), [
      { id: '2', t: 'bye', amount: '0.10' },
      { id: '9007199254740993', t: 'hello', amount: '1234567890.123456789012' },
    ]);

    const out = join(dir, 'out');
    assert.equal((await cli('export', '--plan', plan, '--from', target.url, '--to', `json://${out}`, '--run-dir', runDir)).code, 0);
    const text = readFileSync(join(out, 'events.json'), 'utf8');
    for (const piece of ['"id":9007199254740993', '"amount":1234567890.123456789012', '"amount":0.10', '"t":"hello"', '"toString":"x"', '"__proto__":{"a":1}', '"constructor":[{"k":"v"},{"k":"w"}]', '"constructor":[]']) {
      assert.ok(text.includes(piece), `${piece} in ${text}`);
    }

    // Through the dual-write store: a change of case only is written (citext calls 'Bob' and 'BOB' equal), and the
    // numbers the update does not touch keep their text in both stores.
    const { createDualWriteStore } = await import('pgferry/dual-write');
    const store = createDualWriteStore({ mapping: { planFile: plan }, json: { directory: data }, postgres: { url: target.url }, reads: 'json', writes: 'both', failedWritesLog: join(dir, 'failed.ndjson') });
    await store.update('events', 2, { name: 'CY' });
    await store.close();
    assert.equal(store.stats().secondaryFailures, 0);
    assert.deepEqual(await rows("SELECT name::text, amount::text FROM events WHERE id = 2"), [{ name: 'CY', amount: '0.10' }]);
    assert.match(readFileSync(join(data, 'events.json'), 'utf8'), /"id":9007199254740993[^\n]*"amount":1234567890\.123456789012/);
    assert.equal((await cli('verify', ...ends)).code, 0);
  });
});

