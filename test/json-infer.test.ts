/**
 * A JSON source's collections read strictly (errors name the file, line and column) and their mapping drafted from
 * the records: the example app's users and projects (nested tasks and milestones).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { cli } from './harness/cli.js';
import { inferJson } from '../src/api/infer.js';
import { parseJsonText, JsonNumber } from '../src/model/json/json-text.js';
import { resolvePlan } from '../src/plan/resolve-plan.js';
import { jsonSchemaModel } from '../src/model/json/json-schema-model.js';
import { renderCreate } from '../src/model/ddl/render-pre-data.js';
import { renderConstraint, renderIndex } from '../src/model/ddl/render-post-data.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const exampleData = fileURLToPath(new URL('../../examples/json-app/data', import.meta.url));

function source(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-json-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('JSON collection files', () => {
  it('keeps a number as written (an id past 2^53, 0.10) and refuses a key given twice, naming line and column', () => {
    const value = parseJsonText('{"id": 12345678901234567890, "price": 0.10}') as Record<string, JsonNumber>;
    assert.equal(value.id!.text, '12345678901234567890');
    assert.equal(value.price!.text, '0.10');
    assert.throws(() => parseJsonText('{\n  "a": 1,\n  "a": 2\n}'), /line 3, column 3: the key "a" appears twice in one object/);
  });

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['a file cut short', { 'users.json': '[{"id": 1, "name": "Ann"},\n {"id": 2, "na' }, /JSON_INVALID[\s\S]*users\.json, line 2, column 12: a string is not closed \(is the file cut short\?\)/],
    ['an object instead of an array', { 'users.json': '{"id": 1}' }, /JSON_INVALID[\s\S]*users\.json, line 1, column 1: the file holds an object, not an array of records/],
    ['a key given twice', { 'users.json': '[\n {"id": 1, "name": "a", "name": "b"}\n]' }, /JSON_INVALID[\s\S]*users\.json, line 2, column 25: the key "name" appears twice in one object/],
    ['a bad NDJSON line', { 'events.ndjson': '{"id": 1}\n{"id": 2}\n{"id": 3,}\n' }, /JSON_INVALID[\s\S]*events\.ndjson, line 3, column 10: expected a key in double quotes/],
    ['a record that is no object', { 'users.json': '[{"id": 1}, 2]' }, /JSON_INVALID[\s\S]*users\.json: record 2 of the array is not an object/],
  ];
  for (const [what, files, error] of cases) {
    it(`names the file and the place of ${what}`, async () => {
      const run = await cli('infer', '--from', `json://${source(files)}`);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, error);
    });
  }
});

describe('pgferry infer', () => {
  it("drafts the example app's mapping: types, keys, optional and varying fields, nested arrays as child tables", () => {
    const result = inferJson({ from: `json://${exampleData}` });
    assert.equal(result.status, 'inferred', result.status === 'failed' ? result.error.message : '');
    if (result.status !== 'inferred') return;
    const users = result.collections.users!;
    const column = (name: string) => users.columns.find((c) => c.field === name);
    assert.deepEqual(users.key, ['id']);
    assert.deepEqual(column('id'), { field: 'id', column: 'id', type: 'uuid', notNull: true });
    assert.deepEqual(column('createdAt'), { field: 'createdAt', column: 'created_at', type: 'timestamptz', notNull: true });
    assert.deepEqual(column('admin'), { field: 'admin', column: 'admin', type: 'boolean', notNull: true });
    assert.deepEqual(column('nickname'), { field: 'nickname', column: 'nickname', type: 'text', notNull: false });
    assert.equal(column('age')?.type, 'jsonb', 'a number in some records, a string in another');
    assert.equal(column('settings')?.type, 'jsonb');
    assert.equal(users.extra, 'extra');

    const projects = result.collections.projects!;
    assert.equal(projects.columns.find((c) => c.field === 'budget')?.type, 'numeric');
    assert.equal(projects.columns.find((c) => c.field === 'tags')?.type, 'jsonb');
    assert.deepEqual(Object.keys(projects.children).sort(), ['milestones', 'tasks']);
    const tasks = projects.children.tasks!;
    assert.deepEqual([tasks.table, tasks.parentColumns, tasks.position], ['tasks', ['project_id'], 'position']);
    assert.deepEqual(tasks.columns.find((c) => c.field === 'assignee'), { field: 'assignee', column: 'assignee', type: 'uuid', notNull: false, references: 'users' });
    assert.equal(projects.children.milestones!.columns.find((c) => c.field === 'due')?.type, 'date');

    const codes = result.findings.map((f) => `${f.code} ${f.message}`);
    assert.ok(codes.some((c) => /^JSON_TYPES_VARY users\.json: .*age \(integer, string\)/.test(c)), codes.join('\n'));
    assert.ok(codes.some((c) => /^JSON_FIELDS_OPTIONAL users\.json: .*nickname \(2 of 5\)/.test(c)), codes.join('\n'));
  });

  it('prints the draft as the plan\'s json section (YAML), and what to look at on stderr', async () => {
    const run = await cli('infer', '--from', `json://${exampleData}`);
    assert.equal(run.code, 0, run.stderr);
    const draft = parse(run.stdout) as { json: { collections: Record<string, { table: string; children: Record<string, unknown> }> } };
    assert.deepEqual(Object.keys(draft.json.collections).sort(), ['projects', 'users']);
    assert.deepEqual(Object.keys(draft.json.collections.projects!.children).sort(), ['milestones', 'tasks']);
    assert.match(run.stderr, /2 collection\(s\), 8 record\(s\) read/);
    assert.match(run.stderr, /JSON_TYPES_VARY/);
  });
});

describe("the plan's json section", () => {
  it('takes the draft infer writes, as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-json-plan-'));
    const plan = join(dir, 'plan.yaml');
    const run = await cli('infer', '--from', `json://${exampleData}`, '--out', plan);
    assert.equal(run.code, 0, run.stderr);
    const resolved = await resolvePlan({ planFile: plan, overrides: { source: `json://${exampleData}`, target: 'postgres://localhost/app' } });
    assert.deepEqual(Object.keys(resolved.json!.collections).sort(), ['projects', 'users']);
    const tasks = resolved.json!.collections.projects!.children.tasks as { parentColumns: string[]; position: string };
    assert.deepEqual([tasks.parentColumns, tasks.position], [['project_id'], 'position']);
  });

  it('names a wrong setting in a child table with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-json-plan-'));
    const plan = join(dir, 'plan.yaml');
    writeFileSync(plan, 'json:\n  collections:\n    projects:\n      file: projects.json\n      table: projects\n      children:\n        tasks: { table: tasks, parentColumn: project_id }\n');
    const run = await cli('preflight', '--plan', plan, '--from', 'postgres://localhost/a', '--to', 'postgres://localhost/b');
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /PLAN_INVALID[\s\S]*json\.collections\.projects\.children\.tasks/);
  });
});

describe('the PostgreSQL tables a JSON mapping describes', () => {
  it('creates the example draft on PostgreSQL 17: keys, child tables keyed by parent and position, cascading foreign keys, extra jsonb', async () => {
    const result = inferJson({ from: `json://${exampleData}` });
    assert.equal(result.status, 'inferred');
    if (result.status !== 'inferred') return;
    const model = jsonSchemaModel(result.collections);
    const target = await freshDatabase(await testServer(17));
    await withClient(target.url, async (client) => {
      for (const table of model.objects) await client.query(renderCreate(table));
      for (const index of model.indexes) {
        const { build, constraint } = renderIndex(index);
        await client.query(build);
        if (constraint) await client.query(constraint);
      }
      for (const constraint of model.constraints) {
        const { add, validate } = renderConstraint(constraint);
        await client.query(add);
        if (validate) await client.query(validate);
      }
      const columns = await client.query<{ t: string; c: string; type: string; nullable: string }>(
        "SELECT table_name AS t, column_name AS c, data_type AS type, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
      );
      const of = (t: string) => columns.rows.filter((r) => r.t === t).map((r) => `${r.c} ${r.type}${r.nullable === 'NO' ? ' not null' : ''}`);
      assert.deepEqual(of('tasks'), ['project_id uuid not null', 'position integer not null', 'id bigint not null', 'title text not null', 'done boolean not null', 'estimate bigint not null', 'assignee uuid', 'extra jsonb']);
      assert.ok(of('users').includes('created_at timestamp with time zone not null'), of('users').join(', '));
      assert.ok(of('users').includes('extra jsonb'));
      const keys = await client.query<{ def: string; t: string }>(
        "SELECT conrelid::regclass::text AS t, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
      );
      assert.deepEqual(keys.rows.map((r) => `${r.t}: ${r.def}`), [
        'milestones: FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE',
        'milestones: PRIMARY KEY (project_id, "position")',
        'projects: PRIMARY KEY (id)',
        'tasks: FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE',
        'tasks: PRIMARY KEY (project_id, "position")',
        'users: PRIMARY KEY (id)',
      ]);
    });
  });
});
