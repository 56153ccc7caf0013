import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { managedTarget } from './harness/managed-target.js';
import { catalogObjectsOracle } from './harness/oracles/catalog-objects.js';
import { databaseCopy, freshDatabase, testServer, withClient, type TestServer } from './harness/servers.js';

const snapshot = (url: string) => withClient(url, (c) => catalogObjectsOracle.snapshot(c));
const runDir = () => mkdtempSync(join(tmpdir(), 'pgferry-catalog-objects-'));
const migrate = (from: string, to: string) => cli('migrate', '--from', from, '--to', to, '--run-dir', runDir());

/** The fixture loaded once per source major; each test works on its own copy. */
const templates = new Map<number, Promise<string>>();
function sourceCopy(server: TestServer, sql = 'SELECT 1'): Promise<string> {
  let template = templates.get(server.major);
  if (!template) {
    template = freshDatabase(server, fixtureSql('kinds/catalog-objects.sql')).then((d) => d.name);
    templates.set(server.major, template);
  }
  return template.then((name) => databaseCopy(server, name, sql));
}

describe('collations, text search objects, casts, operators, operator classes, conversions, ordered-set aggregates', () => {
  before(async () => Promise.all([14, 16, 17, 18].map(testServer)));

  for (const [from, to] of [[14, 17], [16, 18]] as const) {
    it(`migrates ${from} → ${to}: every object as on the source by the oracle, and verify says equal`, async () => {
      const source = await sourceCopy(await testServer(from));
      const target = await freshDatabase(await testServer(to));
      const before = await snapshot(source);
      assert.ok(Object.keys(before).length > 25, 'the fixture made its objects');
      assert.notDeepEqual(await snapshot(target.url), before, 'an empty target differs by the oracle');
      const run = await migrate(source, target.url);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.doesNotMatch(run.stdout, /OBJECT_REFUSED|UNSUPPORTED_OBJECTS/);
      assert.deepEqual(await snapshot(target.url), before);
      const verify = await cli('verify', '--from', source, '--to', target.url);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    });
  }

  it('verify names an object the target lacks and a comment that differs', async () => {
    const source = await sourceCopy(await testServer(14));
    const target = await freshDatabase(await testServer(17));
    const run = await migrate(source, target.url);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    await withClient(target.url, (c) =>
      c.query(`DROP CONVERSION public.utf8_latin1; DROP OPERATOR public.~# (NONE, integer);
               COMMENT ON COLLATION public.ci_icu IS 'changed on the target'`),
    );
    const verify = await cli('verify', '--from', source, '--to', target.url);
    assert.equal(verify.code, 1, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /conversion public\.utf8_latin1: exists: source yes, target missing/);
    assert.match(verify.stdout, /operator public\.~#\(NONE, integer\): exists: source yes, target missing/);
    assert.match(verify.stdout, /collation public\.ci_icu: comment/);
  });

  it('on a target without superuser, each object it refuses is named in an OBJECT_REFUSED warning, the rest migrates, verify names what is missing', async () => {
    // The index using the refused operator class could not be built there either: preflight would block on it.
    const source = await sourceCopy(await testServer(14), 'DROP INDEX public.notes_id_alt');
    const server17 = await testServer(17);
    const target = await managedTarget(server17);
    const run = await migrate(source, target.url);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    for (const key of catalogObjectsOracle.refusedWithoutSuperuser) {
      assert.ok(run.stdout.includes(`[OBJECT_REFUSED] ${key} was not created: the target refused it:`), `${key} in an OBJECT_REFUSED warning\n${run.stdout}`);
    }
    // Owners are compared apart: the managed owner may not give objects away.
    const withoutOwners = (s: Record<string, unknown>, leaveOut: readonly string[]) =>
      Object.fromEntries(
        Object.entries(s)
          .filter(([key]) => !leaveOut.includes(key))
          .map(([key, value]) => [key, { ...(value as object), owner: undefined }]),
      );
    const onTarget = await snapshot(server17.url(target.name));
    for (const key of catalogObjectsOracle.refusedWithoutSuperuser) assert.equal(onTarget[key], undefined, `${key} is missing on the target`);
    assert.deepEqual(withoutOwners(onTarget, []), withoutOwners(await snapshot(source), catalogObjectsOracle.refusedWithoutSuperuser));
    const verify = await cli('verify', '--from', source, '--to', server17.url(target.name));
    assert.equal(verify.code, 1, verify.stdout + verify.stderr);
    for (const key of catalogObjectsOracle.refusedWithoutSuperuser) {
      assert.ok(verify.stdout.includes(`${key}: exists: source yes, target missing`), `verify names ${key}\n${verify.stdout}`);
    }
  });

  it('warns when a column\'s collation has another version on the target than the source recorded', async () => {
    const server14 = await testServer(14);
    const source = await sourceCopy(server14);
    // A superuser can make the source's recorded version differ from what the target's ICU reports.
    await withClient(source, (c) => c.query(`UPDATE pg_collation SET collversion = '1.0' WHERE oid = 'public.de_icu'::regcollation`));
    const target = await freshDatabase(await testServer(17));
    const run = await migrate(source, target.url);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /COLLATION_VERSION_DIFFERS\] collation public\.de_icu has version 1\.0 on the source and [\d.]+ on the target \(columns public\.notes\.title\)/);
    assert.doesNotMatch(run.stdout, /collation public\.ci_icu has version/);
  });
});
