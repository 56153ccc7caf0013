import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

/** Comments on triggers and policies, read with a plain catalog query. */
async function triggerAndPolicyComments(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ item: string }>(
      `SELECT 'trigger ' || t.tgname || ': ' || d.description AS item FROM pg_description d JOIN pg_trigger t ON t.oid = d.objoid AND d.classoid = 'pg_trigger'::regclass
        UNION ALL
       SELECT 'policy ' || p.polname || ': ' || d.description FROM pg_description d JOIN pg_policy p ON p.oid = d.objoid AND d.classoid = 'pg_policy'::regclass
       ORDER BY 1`,
    );
    return rows.map((r) => r.item);
  });
}

describe('comments on objects that belong to no schema', () => {
  it('case 7 sibling: a policy left out for an unmappable role takes its comment along; a comment on a foreign key\'s internal trigger is not copied', async () => {
    const server = await testServer(14);
    await withClient(server.url(), (c) => c.query(`DO $$ BEGIN CREATE ROLE comments_only_on_source; EXCEPTION WHEN duplicate_object THEN NULL; END $$`));
    const source = await freshDatabase(
      server,
      `CREATE TABLE parent (id int PRIMARY KEY);
       CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id));
       ALTER TABLE child ENABLE ROW LEVEL SECURITY;
       CREATE POLICY only_source ON child TO comments_only_on_source USING (true);
       COMMENT ON POLICY only_source ON child IS 'goes with its policy';
       DO $$ DECLARE t text; BEGIN
         SELECT tgname INTO t FROM pg_trigger WHERE tgrelid = 'parent'::regclass AND tgisinternal LIMIT 1;
         EXECUTE format('COMMENT ON TRIGGER %I ON parent IS %L', t, 'internal');
       END $$;`,
    );
    const target = await freshDatabase(await testServer(17));
    // owners.drop: roles are not created on the target, so the policy's role has no counterpart there.
    const plan = join(mkdtempSync(join(tmpdir(), 'pgferry-comments-plan-')), 'pgferry.yaml');
    writeFileSync(plan, 'owners:\n  drop: true\n');
    const run = await cli('migrate', '--plan', plan, '--from', source.url, '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-comments-')));
    assert.doesNotMatch(run.stdout + run.stderr, /SCHEMA_FAILED/);
    assert.match(run.stdout, /POLICY_NOT_CREATED\] policy only_source on public\.child/);
    assert.deepEqual(await triggerAndPolicyComments(target.url), []);
  });


  it('case 2 sibling: comments on triggers and policies are migrated (they were dropped while verify said equal)', async () => {
    const source = await freshDatabase(
      await testServer(14),
      `CREATE TABLE t (id int PRIMARY KEY);
       CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
       CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tf();
       COMMENT ON TRIGGER trg ON t IS 'trigger comment';
       ALTER TABLE t ENABLE ROW LEVEL SECURITY;
       CREATE POLICY pol ON t USING (true);
       COMMENT ON POLICY pol ON t IS 'policy comment';`,
    );
    const target = await freshDatabase(await testServer(17));
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-comments-')));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await triggerAndPolicyComments(target.url), ['policy pol: policy comment', 'trigger trg: trigger comment']);
    await withClient(target.url, (c) => c.query(`COMMENT ON TRIGGER trg ON t IS 'changed'`));
    const verify = await cli('verify', '--from', source.url, '--to', target.url);
    assert.equal(verify.code, 1, verify.stdout + verify.stderr);
  });
});
