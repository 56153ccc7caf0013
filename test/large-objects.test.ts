import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { journalPath, killWhen, readSteps } from './harness/journal.js';
import { managedTarget } from './harness/managed-target.js';
import { largeObjectsOracle } from './harness/oracles/large-objects.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const fixture = fixtureSql('kinds/large-objects.sql');

function snapshot(url: string): Promise<Record<string, unknown>> {
  return withClient(url, (c) => largeObjectsOracle.snapshot(c));
}

/** Rows of `documents` whose oid column names no large object. */
async function danglingReferences(url: string): Promise<number[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ id: number }>(
      'SELECT d.id FROM documents d LEFT JOIN pg_largeobject_metadata m ON m.oid = d.content WHERE m.oid IS NULL ORDER BY 1',
    );
    return rows.map((r) => r.id);
  });
}

function runDir(): string {
  return mkdtempSync(join(tmpdir(), 'pgferry-lo-'));
}

describe('large objects', () => {
  for (const [from, to] of [
    [14, 17],
    [16, 18],
  ] as const) {
    it(`${from} → ${to}: keep their OIDs, data, owner, grants and comment; verify says equal, then names the OID whose data changed`, async () => {
      const source = await freshDatabase(await testServer(from), fixture);
      const target = await freshDatabase(await testServer(to));
      const sourceSnapshot = await snapshot(source.url);
      assert.equal(Object.keys(sourceSnapshot).length, 4);

      const preflight = await cli('preflight', '--from', source.url, '--to', target.url);
      assert.match(preflight.stdout, /Large objects: 4, 3(\.0)? MB/);
      assert.doesNotMatch(preflight.stdout, /large objects? 4 large object/);

      const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir());
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.deepEqual(await snapshot(target.url), sourceSnapshot);
      assert.deepEqual(await danglingReferences(target.url), []);

      const equal = await cli('verify', '--from', source.url, '--to', target.url);
      assert.equal(equal.code, 0, equal.stderr + equal.stdout);
      assert.match(equal.stdout, /Large objects: ✓ 4 equal/);

      await withClient(target.url, (c) => c.query(`SELECT lo_put(3000001, 2000000, convert_to('x', 'UTF8'))`));
      const changed = await cli('verify', '--from', source.url, '--to', target.url);
      assert.equal(changed.code, 1, changed.stderr + changed.stdout);
      assert.match(changed.stdout, /✗ large object 3000001: content: source 3145728 bytes/);
      assert.doesNotMatch(changed.stdout, /large object (424242|500000)/);
    });
  }

  it('a run killed while copying large objects, resumed, ends with every object equal and finished ranges not redone', async () => {
    const source = await freshDatabase(
      await testServer(16),
      `${fixture}
       SELECT lo_from_bytea(1000000 + i, decode(repeat(md5(i::text), 65536), 'hex')) FROM generate_series(1, 24) AS i;
       SELECT lo_from_bytea(2000000 + i * 7, convert_to('small ' || i, 'UTF8')) FROM generate_series(1, 3000) AS i;`,
    );
    const target = await freshDatabase(await testServer(17));
    const dir = runDir();
    const argv = ['migrate', '--from', source.url, '--to', target.url, '--run-dir', dir, '--chunk-size-mb', '2', '--jobs', '2'];
    const atKill = await killWhen(argv, dir, (steps) => steps.some((s) => s.phase === 'large-objects' && s.status === 'running'));
    const unfinished = atKill.filter((s) => s.phase === 'large-objects' && s.status === 'running').map((s) => s.id);
    assert.ok(unfinished.length > 0);

    const resumed = await cli(...argv, '--resume');
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    const after = readSteps(dir);
    assert.ok(after.filter((s) => s.phase === 'large-objects').length > 2, 'the objects were split into several ranges');
    for (const id of unfinished) assert.equal(after.find((s) => s.id === id)?.attempts, 2, `${id} was redone once`);
    for (const done of atKill.filter((s) => s.status === 'done')) assert.equal(after.find((s) => s.id === done.id)?.attempts, 1, `${done.id} was not redone`);
    assert.deepEqual(await snapshot(target.url), await snapshot(source.url));

    // As if killed after each range's COMMIT and before its journal entry: the ranges are written again, not doubled.
    const journal = new Database(journalPath(dir)!);
    const reopened = journal.prepare(`UPDATE steps SET status = 'running', finished_at = NULL WHERE phase = 'large-objects'`).run().changes;
    journal.prepare(`DELETE FROM run WHERE key = 'finished_at'`).run();
    journal.close();
    assert.ok(reopened > 2);
    const again = await cli(...argv, '--resume');
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.deepEqual(await snapshot(target.url), await snapshot(source.url));
  });

  it('a managed-style target: objects, data, grants and comments arrive; an owner it refuses is named in a warning and by verify', async () => {
    const source = await freshDatabase(await testServer(16), fixture);
    const managed = await managedTarget(await testServer(17));
    const plan = join(runDir(), 'pgferry.yaml');
    writeFileSync(plan, `owners:\n  map:\n    postgres: ${managed.owner}\n`);
    const run = await cli('migrate', '--plan', plan, '--from', source.url, '--to', managed.url, '--run-dir', runDir());
    assert.equal(run.code, 1, run.stderr + run.stdout);
    for (const key of largeObjectsOracle.refusedWithoutSuperuser) {
      const oid = key.replace('large object ', '');
      assert.match(run.stdout, new RegExp(`PRIVILEGE_NOT_APPLIED\\] large object ${oid}: target refused "ALTER LARGE OBJECT ${oid} OWNER TO`));
      assert.match(run.stdout, new RegExp(`✗ large object ${oid}: owner: source lo_kind_owner, target ${managed.owner}`));
    }
    assert.deepEqual(await danglingReferences(managed.url), []);
    const onSource = await snapshot(source.url);
    const onTarget = await snapshot(managed.url);
    assert.deepEqual(Object.keys(onTarget), Object.keys(onSource));
    for (const [key, expected] of Object.entries(onSource)) {
      const wanted = expected as { owner: string };
      const mapped = { ...wanted, owner: wanted.owner === 'postgres' ? managed.owner : wanted.owner };
      if (largeObjectsOracle.refusedWithoutSuperuser.includes(key)) assert.deepEqual({ ...(onTarget[key] as object), owner: mapped.owner }, mapped, key);
      else assert.deepEqual(onTarget[key], mapped, key);
    }
  });
});
