/**
 * Every object kind docs/MIGRATE.md lists as migrated, in one source database: each area's fixture loaded
 * together, migrated across majors, and compared area by area by oracles that are not pgferry's readers (their
 * own catalog queries), with rows by content hash and a catalog inventory of every object. On a managed-style
 * target (no superuser) the run goes on past each refusal and everything the target allows is there.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tableDigests } from './harness/compare.js';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { managedTarget } from './harness/managed-target.js';
import { catalogInventory } from './harness/oracles/catalog-inventory.js';
import { catalogObjectsOracle } from './harness/oracles/catalog-objects.js';
import { largeObjectsOracle } from './harness/oracles/large-objects.js';
import type { KindOracle } from './harness/oracles/oracle.js';
import { privilegesOracle } from './harness/oracles/privileges.js';
import { serverObjectsOracle } from './harness/oracles/server-objects.js';
import { tableAttributesOracle } from './harness/oracles/table-attributes.js';
import { databaseCopy, freshDatabase, testServer, withClient } from './harness/servers.js';

const oracles: readonly KindOracle[] = [catalogObjectsOracle, tableAttributesOracle, serverObjectsOracle, largeObjectsOracle, privilegesOracle];
const everyKind = () => oracles.map((o) => fixtureSql(`kinds/${o.area}.sql`)).join('\n');

/** One source database per server: the fixtures create roles, which belong to the whole server. */
const sources = new Map<number, Promise<{ name: string; url: string }>>();
function everyKindSource(major: number): Promise<{ name: string; url: string }> {
  if (!sources.has(major)) sources.set(major, testServer(major).then((server) => freshDatabase(server, everyKind())));
  return sources.get(major)!;
}

async function snapshots(url: string): Promise<Record<string, Record<string, unknown>>> {
  return withClient(url, async (client) => {
    const byArea: Record<string, Record<string, unknown>> = {};
    for (const oracle of oracles) byArea[oracle.area] = await oracle.snapshot(client);
    return byArea;
  });
}

describe('every object kind, in one database', () => {
  for (const [from, to] of [[14, 17], [15, 18], [16, 18]] as const) {
    it(`PostgreSQL ${from} → ${to}: migrates and verifies equal, every area equal by its oracle`, async () => {
      const source = await everyKindSource(from);
      const target = await freshDatabase(await testServer(to));
      const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-kinds-')), '--jobs', '2');
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.match(run.stdout, /verified equal/);
      // The backup taken first is test-restored into a scratch database. pg_dump (14 and 15 here) writes a language
      // whose handler lives in pg_catalog as a bare CREATE LANGUAGE, which a server takes for an extension: the
      // check names that. pgferry's portable archive (16) restores equal, every kind included.
      if (from <= 15) assert.match(run.stdout, /BACKUP_TEST_RESTORE_FAILED.*pg_restore 15\.\d+ .*extension "plpgsql_copy" is not available/);
      else assert.match(run.stdout, /Backup: .*portable archive, .*test restore equal\)/);
      const expected = await snapshots(source.url);
      for (const oracle of oracles) assert.ok(Object.keys(expected[oracle.area]!).length > 0, `${oracle.area}: the fixture made objects`);
      assert.deepEqual(await snapshots(target.url), expected);
      assert.deepEqual(await catalogInventory(target.url), await catalogInventory(source.url));
      assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
    });
  }

  it('PostgreSQL 16 → a managed-style 17 (no superuser): every refusal named, everything else there', async () => {
    // An index using a refused operator class is a blocker (it would be built on a table that exists): left out here.
    const server16 = await testServer(16);
    const source = { url: await databaseCopy(server16, (await everyKindSource(16)).name, 'DROP INDEX public.notes_id_alt') };
    const targetServer = await testServer(17);
    const target = await managedTarget(targetServer);
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-kinds-')), '--jobs', '2');
    const output = run.stdout + run.stderr;
    // What the target refused is missing there, so verify reports differences: exit 1, never a failed run.
    assert.equal(run.code, 1, output);
    assert.match(output, /MIGRATED: .* but verification found \d+ difference/);
    // Read as a superuser: the oracles look at catalogs (user mappings) a database owner may not read.
    const [sourceSnapshots, targetSnapshots] = [await snapshots(source.url), await snapshots(targetServer.url(target.name))];
    // Roles belong to the whole server, earlier tests made these there with every attribute, and a managed owner
    // keeps what it may not give away: the privileges test shows refusals on a managed target on roles it makes new.
    for (const oracle of oracles.filter((o) => o !== privilegesOracle)) {
      const refused = new Set(oracle.refusedWithoutSuperuser);
      for (const key of refused) assert.ok(output.includes(key.split(' ').at(-1)!.replace(/[()]/g, '')), `${oracle.area}: ${key} is named`);
      const allowed = Object.keys(sourceSnapshots[oracle.area]!).filter((key) => !refused.has(key)).sort();
      const created = Object.keys(targetSnapshots[oracle.area]!).sort();
      assert.deepEqual(allowed.filter((key) => !created.includes(key)), [], `${oracle.area}: everything the target allows was created`);
    }
    assert.deepEqual(await tableDigests(targetServer.url(target.name)), await tableDigests(source.url));
  });
});
