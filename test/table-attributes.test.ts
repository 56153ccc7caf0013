import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { managedTarget } from './harness/managed-target.js';
import { tableAttributesOracle } from './harness/oracles/table-attributes.js';
import { databaseCopy, freshDatabase, testServer, withClient } from './harness/servers.js';

const snapshot = (url: string) => withClient(url, (c) => tableAttributesOracle.snapshot(c));

async function migrate(from: string, to: string, planYaml?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-table-attributes-'));
  const planArgs = planYaml === undefined ? [] : (writeFileSync(join(dir, 'plan.yaml'), planYaml), ['--plan', join(dir, 'plan.yaml')]);
  return cli('migrate', '--from', from, '--to', to, '--run-dir', dir, ...planArgs);
}

for (const [from, to] of [[14, 17], [15, 18]] as const) {
  describe(`rules, statistics, replica identity, column settings, CLUSTER ON, partitions and foreign keys: ${from} → ${to}`, () => {
    let source: { name: string; url: string };
    let target: { name: string; url: string };
    let run: Awaited<ReturnType<typeof cli>>;

    before(async () => {
      source = await freshDatabase(await testServer(from), fixtureSql('kinds/table-attributes.sql'));
      target = await freshDatabase(await testServer(to));
      run = await migrate(source.url, target.url);
    });

    it('migrates and verifies equal, and the catalogs of both ends say the same', async () => {
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.doesNotMatch(run.stdout, /Not migrated/, 'none of these kinds is named as not covered any more');
      const [expected, actual] = [await snapshot(source.url), await snapshot(target.url)];
      assert.ok(Object.keys(expected).length > 30, 'the oracle sees the fixture');
      assert.deepEqual(actual, expected);
      const verify = await cli('verify', '--from', source.url, '--to', target.url);
      assert.equal(verify.code, 0, verify.stdout);
    });

    it('keeps a WITH NO DATA materialized view unpopulated and validates every foreign key, partitions\' clones included', async () => {
      const facts = (url: string) =>
        withClient(url, async (c) => ({
          populated: (await c.query(`SELECT relname, relispopulated FROM pg_class WHERE relkind = 'm' ORDER BY 1`)).rows,
          foreignKeys: (
            // Clones are named by the server (fkey1 before 16, fkey_1 after): they are known by what they reference.
            await c.query(`SELECT conrelid::regclass::text AS on, confrelid::regclass::text AS references, CASE WHEN conparentid = 0 THEN conname END AS name,
                                  convalidated FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2, 3`)
          ).rows,
        }));
      const onTarget = await facts(target.url);
      assert.deepEqual(onTarget.populated, [
        { relname: 'account_codes', relispopulated: true },
        { relname: 'account_count', relispopulated: false },
      ]);
      assert.ok(onTarget.foreignKeys.length >= 6, JSON.stringify(onTarget.foreignKeys));
      assert.ok(onTarget.foreignKeys.every((k) => k.convalidated), JSON.stringify(onTarget.foreignKeys));
      assert.deepEqual(onTarget, await facts(source.url));
    });

    it('keeps an attached partition in its own column order', async () => {
      const order = (url: string) =>
        withClient(url, async (c) =>
          (await c.query(`SELECT string_agg(attname, ',' ORDER BY attnum) AS o FROM pg_attribute WHERE attrelid = 'attrs.events_2024'::regclass AND attnum > 0 AND NOT attisdropped`))
            .rows[0].o,
        );
      assert.equal(await order(target.url), 'body,at,id');
    });
  });
}

describe('verify names each table attribute changed on the target', () => {
  it('reports a replica identity, a rule, a statistics object, a column setting, a CLUSTER ON mark and a partition order', async () => {
    const targetServer = await testServer(17);
    const source = await freshDatabase(await testServer(14), fixtureSql('kinds/table-attributes.sql'));
    const target = await freshDatabase(targetServer);
    const run = await migrate(source.url, target.url);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const changed = await databaseCopy(
      targetServer,
      target.name,
      `ALTER TABLE attrs.full_rows REPLICA IDENTITY DEFAULT;
       DROP RULE accounts_no_delete ON attrs.accounts;
       ALTER STATISTICS attrs.accounts_mcv SET STATISTICS 10;
       ALTER TABLE attrs.accounts ALTER COLUMN note SET STORAGE EXTENDED;
       ALTER TABLE attrs.accounts SET WITHOUT CLUSTER;
       ALTER TABLE attrs.events DETACH PARTITION attrs.events_2024;
       CREATE TABLE attrs.events_2024_b (id int NOT NULL, at date NOT NULL, body text, CONSTRAINT events_id_check CHECK (id > 0));
       INSERT INTO attrs.events_2024_b SELECT id, at, body FROM attrs.events_2024;
       DROP TABLE attrs.events_2024; ALTER TABLE attrs.events_2024_b RENAME TO events_2024;
       ALTER TABLE attrs.events_2024 ALTER COLUMN body SET STORAGE EXTENDED;
       ALTER TABLE attrs.events ATTACH PARTITION attrs.events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
    );
    const verify = await cli('verify', '--from', source.url, '--to', changed);
    assert.equal(verify.code, 1, verify.stdout);
    assert.match(verify.stdout, /✗ replica identity of table attrs\.full_rows: exists: source yes, target missing/);
    assert.match(verify.stdout, /✗ rule accounts_no_delete on attrs\.accounts: exists: source yes, target missing/);
    assert.match(verify.stdout, /✗ comment on RULE accounts_no_delete on attrs\.accounts: exists: source yes, target missing/);
    assert.match(verify.stdout, /✗ statistics attrs\.accounts_mcv: target: source 250, target 10/);
    assert.match(verify.stdout, /✗ storage of table attrs\.accounts column note: exists: source yes, target missing/);
    assert.match(verify.stdout, /✗ cluster on of table attrs\.accounts: exists: source yes, target missing/);
    assert.match(verify.stdout, /✗ table attrs\.events_2024: columnOrder: source body, at, id, target id, at, body/);
  });
});

describe('a managed-style target (no superuser)', () => {
  it('gets every rule, statistics object, replica identity, column setting and CLUSTER ON mark', async () => {
    const source = await freshDatabase(await testServer(14), fixtureSql('kinds/table-attributes.sql'));
    const target = await managedTarget(await testServer(17));
    const run = await migrate(source.url, target.url, `owners:\n  map:\n    postgres: ${target.owner}\n`);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(tableAttributesOracle.refusedWithoutSuperuser, []);
    assert.deepEqual(await snapshot(target.url), await snapshot(source.url));
  });
});

describe('lz4 compression on a source, a target built without lz4', () => {
  it('warns naming the column, and verify reports its compression', async (t) => {
    const sourceServer = await testServer(15);
    const offers = (url: string) =>
      withClient(url, async (c) => (await c.query(`SELECT enumvals::text[] AS m FROM pg_settings WHERE name = 'default_toast_compression'`)).rows[0].m as string[]);
    const targetServer = await testServer(18);
    if (!(await offers(sourceServer.url())).includes('lz4') || (await offers(targetServer.url())).includes('lz4')) {
      t.skip('needs a source built with lz4 and a target without it');
      return;
    }
    const source = await freshDatabase(sourceServer, `CREATE TABLE public.docs (id int PRIMARY KEY, body text COMPRESSION lz4, note text COMPRESSION pglz);
      INSERT INTO public.docs VALUES (1, repeat('x', 10000), 'n')`);
    const target = await freshDatabase(targetServer);
    const run = await migrate(source.url, target.url);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /COMPRESSION_NOT_AVAILABLE.*public\.docs\.body/);
    assert.match(run.stdout, /✗ compression of table public\.docs column body: exists: source yes, target missing/);
    const compression = await withClient(target.url, async (c) =>
      (await c.query(`SELECT attname, attcompression::text AS m FROM pg_attribute WHERE attrelid = 'public.docs'::regclass AND attnum > 0 ORDER BY attnum`)).rows,
    );
    assert.deepEqual(compression, [{ attname: 'id', m: '' }, { attname: 'body', m: '' }, { attname: 'note', m: 'p' }]);
  });
});
