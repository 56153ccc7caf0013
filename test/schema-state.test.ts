import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { databaseCopy, freshDatabase, testServer, withClient, type TestServer } from './harness/servers.js';

// Roles belong to the whole server: every role here starts with this file's name.
const fixture = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'schema_state_ok') THEN CREATE ROLE schema_state_ok; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'schema_state_gone') THEN CREATE ROLE schema_state_gone; END IF;
END $$;
CREATE SCHEMA app;
CREATE SEQUENCE app.never_called;
CREATE SEQUENCE app.free_seq;
SELECT nextval('app.free_seq') FROM generate_series(1, 5);
CREATE SEQUENCE app.rails_reset;
SELECT nextval('app.rails_reset') FROM generate_series(1, 9);
SELECT setval('app.rails_reset', 3, false);
CREATE TABLE app.accounts (id serial PRIMARY KEY, name text);
INSERT INTO app.accounts (name) SELECT 'a' || g FROM generate_series(1, 10) g;
SELECT setval('app.accounts_id_seq', (SELECT max(id) + 1 FROM app.accounts), false);
CREATE TABLE app.imported (id serial PRIMARY KEY, name text);
INSERT INTO app.imported (id, name) SELECT g, 'i' || g FROM generate_series(1, 20) g;
SELECT nextval('app.imported_id_seq') FROM generate_series(1, 2);
CREATE TABLE app.cols (a int, gone int, b text, c int);
ALTER TABLE app.cols DROP COLUMN gone;
ALTER TABLE app.cols ADD COLUMN d int;
INSERT INTO app.cols VALUES (1, 'x', 2, 3);
CREATE MATERIALIZED VIEW app.mv_full AS SELECT a, b FROM app.cols;
CREATE MATERIALIZED VIEW app.mv_empty AS SELECT a, c FROM app.cols WITH NO DATA;
CREATE INDEX mv_empty_a ON app.mv_empty (a);
CREATE TABLE app.docs (id int PRIMARY KEY, owner_name text);
ALTER TABLE app.docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_ok ON app.docs FOR SELECT TO schema_state_ok USING (owner_name = current_user);
CREATE POLICY p_mixed ON app.docs FOR SELECT TO schema_state_ok, schema_state_gone USING (id > 0);
CREATE POLICY p_gone ON app.docs FOR UPDATE TO schema_state_gone USING (id > 10);
`;

async function sequenceState(url: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, s.relname) AS name FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace WHERE s.relkind = 'S' ORDER BY 1`,
    );
    const state: Record<string, string> = {};
    for (const { name } of rows) {
      const { rows: values } = await c.query(`SELECT last_value::text AS v, is_called FROM ${name}`);
      state[name] = `${values[0].v} ${values[0].is_called}`;
    }
    return state;
  });
}

describe('schema state after a 16 → 17 migration: sequences, policies, column order, materialized views', () => {
  let source: { name: string; url: string };
  let targetServer: TestServer;
  let migrated: string;
  let migrateOutput: string;

  const changedTarget = (sql: string) => databaseCopy(targetServer, migrated, sql);

  before(async () => {
    source = await freshDatabase(await testServer(16), fixture);
    targetServer = await testServer(17);
    const target = await freshDatabase(targetServer);
    migrated = target.name;
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-schema-state-'));
    // schema_state_gone is mapped to a role the target lacks, so it can be neither mapped nor created.
    writeFileSync(join(dir, 'plan.yaml'), 'owners:\n  map:\n    schema_state_gone: schema_state_nowhere\n');
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', dir, '--plan', join(dir, 'plan.yaml'));
    migrateOutput = run.stdout + run.stderr;
  });

  it('case 6: every sequence keeps last_value and is_called exactly, also one never called and one left is_called = false', async () => {
    assert.deepEqual(await sequenceState(targetServer.url(migrated)), await sequenceState(source.url));
    const next = await changedTarget('SELECT 1');
    await withClient(next, async (c) => {
      const { rows } = await c.query(`INSERT INTO app.accounts (name) VALUES ('new') RETURNING id`);
      assert.equal(rows[0].id, 11, 'the first insert after a Rails-style reset takes the next free key');
    });
  });

  it('case 6: verify compares every sequence with the source, not with a column max, and finds an is_called or free-sequence change', async () => {
    const equal = await cli('verify', '--from', source.url, '--to', targetServer.url(migrated), '--json');
    const result = JSON.parse(equal.stdout);
    assert.deepEqual(result.sequences, [], 'imported_id_seq sits below max(id) on both sides: equal, as on the source');
    const called = await changedTarget(`SELECT setval('app.rails_reset', 3, true); SELECT setval('app.free_seq', 50)`);
    const run = await cli('verify', '--from', source.url, '--to', called);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /✗ app\.rails_reset: /);
    assert.match(run.stdout, /✗ app\.free_seq: /);
  });

  it('case 7: a policy whose roles cannot all be mapped or created is skipped with a named warning, never widened to PUBLIC, and verify reports it', async () => {
    assert.match(migrateOutput, /POLICY_NOT_CREATED/);
    const policies = await withClient(targetServer.url(migrated), async (c) =>
      (await c.query(`SELECT polname, polroles::regrole[]::text[] AS roles FROM pg_policy ORDER BY 1`)).rows,
    );
    assert.deepEqual(policies, [{ polname: 'p_ok', roles: ['schema_state_ok'] }]);
    const run = await cli('verify', '--from', source.url, '--to', targetServer.url(migrated));
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /✗ policy p_mixed on app\.docs: exists: source yes, target missing/);
    assert.match(run.stdout, /✗ policy p_gone on app\.docs: exists: source yes, target missing/);
  });

  it('case 2: migrate keeps the column order of a table with a dropped column, and verify sees a different order', async () => {
    const order = (url: string) =>
      withClient(url, async (c) => (await c.query(`SELECT string_agg(attname, ',' ORDER BY attnum) AS o FROM pg_attribute WHERE attrelid = 'app.cols'::regclass AND attnum > 0 AND NOT attisdropped`)).rows[0].o);
    assert.equal(await order(targetServer.url(migrated)), await order(source.url));
    const reordered = await changedTarget(
      `ALTER TABLE app.cols RENAME TO cols_old; CREATE TABLE app.cols (b text, a int, c int, d int);
       INSERT INTO app.cols SELECT b, a, c, d FROM app.cols_old; DROP TABLE app.cols_old CASCADE;
       CREATE MATERIALIZED VIEW app.mv_full AS SELECT a, b FROM app.cols;
       CREATE MATERIALIZED VIEW app.mv_empty AS SELECT a, c FROM app.cols WITH NO DATA; CREATE INDEX mv_empty_a ON app.mv_empty (a)`,
    );
    const run = await cli('verify', '--from', source.url, '--to', reordered);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /✗ table app\.cols: columnOrder: source a, b, c, d, target b, a, c, d/);
  });

  it('case 2: a materialized view keeps its populated state (WITH NO DATA stays unpopulated), and verify sees the state', async () => {
    const populated = (url: string) =>
      withClient(url, async (c) => (await c.query(`SELECT relname, relispopulated FROM pg_class WHERE relkind = 'm' ORDER BY 1`)).rows);
    assert.deepEqual(await populated(targetServer.url(migrated)), [
      { relname: 'mv_empty', relispopulated: false },
      { relname: 'mv_full', relispopulated: true },
    ]);
    assert.deepEqual(await populated(targetServer.url(migrated)), await populated(source.url));
    const emptied = await changedTarget('REFRESH MATERIALIZED VIEW app.mv_full WITH NO DATA; REFRESH MATERIALIZED VIEW app.mv_empty');
    const run = await cli('verify', '--from', source.url, '--to', emptied);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /✗ materialized view app\.mv_full: populated: source true, target false/);
    assert.match(run.stdout, /✗ materialized view app\.mv_empty: populated: source false, target true/);
  });
});
