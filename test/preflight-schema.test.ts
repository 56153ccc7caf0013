import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient, type TestServer } from './harness/servers.js';

/** A login role owning `database` (so it may create schemas and trusted extensions there), not a superuser. */
async function databaseOwner(server: TestServer, database: string, role: string): Promise<string> {
  await withClient(server.url(), async (c) => {
    await c.query(`DO $$ BEGIN CREATE ROLE ${role} LOGIN PASSWORD 'owner-pw'; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    await c.query(`ALTER DATABASE ${database} OWNER TO ${role}`);
  });
  await withClient(server.url(database), (c) => c.query(`ALTER SCHEMA public OWNER TO ${role}`));
  return server.url(database, role, 'owner-pw');
}

async function userObjects(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(`SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast'))
                                         + (SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql') AS n`);
    return Number(rows[0].n);
  });
}

describe('preflight predicts what the target will refuse', () => {
  it('case 14: an extension the target role may not create is a blocker, named; a custom collation and text search configuration (in a generated column and an index) are migrated, so they block nothing; the target is left unchanged', async () => {
    const source = await freshDatabase(
      await testServer(16),
      `CREATE COLLATION plain_c FROM "C";
       CREATE TEXT SEARCH CONFIGURATION my_english (COPY = english);
       CREATE EXTENSION pageinspect;
       CREATE TABLE people (id integer PRIMARY KEY, name text COLLATE plain_c);
       CREATE TABLE docs (id integer PRIMARY KEY, body text, words tsvector GENERATED ALWAYS AS (to_tsvector('my_english', body)) STORED);
       CREATE TABLE notes (id integer PRIMARY KEY, body text);
       CREATE INDEX notes_fts ON notes USING gin (to_tsvector('my_english', body));`,
    );
    const targetServer = await testServer(17);
    const target = await freshDatabase(targetServer);
    const ownerUrl = await databaseOwner(targetServer, target.name, 'preflight_schema_owner');
    const before = await userObjects(target.url);

    const run = await cli('preflight', '--from', source.url, '--to', ownerUrl);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /BLOCKED/);
    assert.doesNotMatch(run.stdout, /SCHEMA_WOULD_FAIL[^\n]*(plain_c|my_english)/);
    assert.doesNotMatch(run.stdout, /OBJECT_REFUSED/);
    assert.match(run.stdout, /SCHEMA_WOULD_FAIL[^\n]*pageinspect[^\n]*permission denied/);
    assert.equal(await userObjects(target.url), before, 'nothing was left on the target');

    const migrate = await cli('migrate', '--from', source.url, '--to', ownerUrl);
    assert.equal(migrate.code, 1, 'migrate stops at the same blockers, before writing');
    assert.equal(await userObjects(target.url), before);
  });

  it('case 14: a target database whose encoding cannot hold the source\'s UTF-8 text is a blocker', async () => {
    const source = await freshDatabase(await testServer(16), `CREATE TABLE prices (id integer PRIMARY KEY, label text); INSERT INTO prices VALUES (1, '5 €')`);
    const targetServer = await testServer(17);
    await withClient(targetServer.url(), (c) => c.query(`CREATE DATABASE preflight_latin1_${process.pid} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`));
    const run = await cli('preflight', '--from', source.url, '--to', targetServer.url(`preflight_latin1_${process.pid}`));
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /TARGET_ENCODING[^\n]*LATIN1[^\n]*UTF8/);
  });
});
