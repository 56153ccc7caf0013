import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preflight, type PreflightResult } from '../src/index.js';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

type Facts = Extract<PreflightResult, { status: 'ready' | 'blocked' }>;

async function check(source: string, target: string, extra: Record<string, unknown> = {}): Promise<Facts> {
  const result = await preflight({ overrides: { source, target, ...extra }, env: {} });
  assert.notEqual(result.status, 'failed', result.status === 'failed' ? result.error.message : '');
  return result as Facts;
}

describe('preflight blockers', () => {
  it('blocks a target older than the source, exit 1', async () => {
    const source = await freshDatabase(await testServer(17), 'CREATE TABLE t (id int PRIMARY KEY)');
    const target = await freshDatabase(await testServer(14));
    const result = await check(source.url, target.url);
    assert.equal(result.status, 'blocked');
    const blocker = result.blockers.find((b) => b.code === 'TARGET_OLDER_THAN_SOURCE');
    assert.match(blocker!.message, /target runs PostgreSQL 14\.\d+, older than the source's 17\.\d+/);
    const run = await cli('preflight', '--from', source.url, '--to', target.url);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /BLOCKED: 1 blocker/);
    assert.match(run.stdout, /✗ \[TARGET_OLDER_THAN_SOURCE\]/);
  });

  it('blocks a non-empty target unless the plan says to drop, and names what is there', async () => {
    const source = await freshDatabase(await testServer(16), 'CREATE TABLE t (id int PRIMARY KEY)');
    const target = await freshDatabase(await testServer(17), 'CREATE TABLE leftover (id int); CREATE SCHEMA old_stuff');
    const refused = await check(source.url, target.url);
    assert.equal(refused.status, 'blocked');
    assert.match(refused.blockers.find((b) => b.code === 'TARGET_NOT_EMPTY')!.message, /2 object\(s\): schema old_stuff, table public\.leftover/);
    const dropping = await check(source.url, target.url, { ifTargetNotEmpty: 'drop' });
    assert.equal(dropping.status, 'ready');
    assert.ok(dropping.warnings.some((w) => w.code === 'TARGET_NOT_EMPTY'));
    const count = await withClient(target.url, (c) => c.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'leftover'`));
    assert.equal(count.rows[0].n, 1, 'preflight changes nothing');
  });

  it('blocks an extension the target does not offer (adminpack is gone in 17+)', async () => {
    const source = await freshDatabase(await testServer(16), 'CREATE EXTENSION adminpack; CREATE EXTENSION pg_trgm');
    const target = await freshDatabase(await testServer(18));
    const result = await check(source.url, target.url);
    assert.equal(result.status, 'blocked');
    const missing = result.blockers.filter((b) => b.code === 'EXTENSION_MISSING_ON_TARGET');
    assert.equal(missing.length, 1);
    assert.match(missing[0]!.message, /extension adminpack 2\.\d+ is used by the source but the target does not offer it/);
  });

  it('blocks a target role that may not create the schemas it needs', async () => {
    const server = await testServer(17);
    const source = await freshDatabase(await testServer(15), 'CREATE SCHEMA sales; CREATE TABLE sales.t (id int PRIMARY KEY)');
    const target = await freshDatabase(server);
    await withClient(server.url(), (c) =>
      c.query(`DO $$ BEGIN CREATE ROLE limited_app LOGIN PASSWORD 'limited-pw'; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`),
    );
    const result = await check(source.url, server.url(target.name, 'limited_app', 'limited-pw'));
    assert.equal(result.status, 'blocked');
    const messages = result.blockers.filter((b) => b.code === 'NO_CREATE_PRIVILEGE').map((b) => b.message).join('\n');
    assert.match(messages, /cannot create objects in schema\(s\) public/);
    assert.match(messages, /cannot create schemas in database t\d+_\d+ \(needed for sales\)/);
  });

  it('tells the collation of both databases', async () => {
    const source = await freshDatabase(await testServer(15));
    const target = await freshDatabase(await testServer(17));
    const result = await check(source.url, target.url);
    for (const side of [result.source.inventory, result.target.inventory]) {
      assert.equal(side.collation.provider, 'libc');
      assert.equal(side.collation.collate, 'C.UTF-8');
    }
  });

  it('names every object it will not migrate, and leaves out what extensions bring', async () => {
    const source = await freshDatabase(
      await testServer(16),
      `CREATE EXTENSION pg_trgm;
       CREATE TABLE t (id int PRIMARY KEY);
       CREATE TABLE t_log (id int);
       CREATE RULE t_audit AS ON INSERT TO t DO ALSO INSERT INTO t_log VALUES (NEW.id);
       CREATE PUBLICATION everything FOR ALL TABLES;
       GRANT SELECT (id) ON t TO PUBLIC;
       ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
       CREATE FOREIGN DATA WRAPPER dummy_fdw;
       CREATE SERVER elsewhere FOREIGN DATA WRAPPER dummy_fdw;
       CREATE TABLE readings (id int);
       CREATE FOREIGN TABLE readings_remote () INHERITS (readings) SERVER elsewhere;
       CREATE SUBSCRIPTION feed CONNECTION 'dbname=nowhere' PUBLICATION everything WITH (connect = false, slot_name = NONE);`,
    );
    const target = await freshDatabase(await testServer(17));
    const result = await check(source.url, target.url);
    assert.deepEqual(
      result.source.inventory.unsupported.map((o) => `${o.kind} ${o.name}`),
      ['foreign table partition or child public.readings_remote', 'subscription feed'],
    );
    assert.match(result.warnings.find((w) => w.code === 'UNSUPPORTED_OBJECTS')!.message, /2 object\(s\) pgferry will not migrate: foreign table partition or child public\.readings_remote; subscription feed/);
  });
});
