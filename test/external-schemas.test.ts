/**
 * Schemas nobody here wrote: pgcopydb's own test schemas, Pagila (with a small dataset) and Danbooru's production
 * schema. Each migrates and verifies equal, and the two databases compare equal by oracles that are not
 * pgferry's readers: table rows by content hash, an inventory of every object read from the catalogs, and, where
 * the installed pg_dump can dump both servers, `pg_dump --schema-only` line for line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tableDigests } from './harness/compare.js';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { catalogInventory } from './harness/oracles/catalog-inventory.js';
import { dumpedSchema, pgDump } from './harness/pg-dump-schema.js';
import { freshDatabase, testServer } from './harness/servers.js';

const schemas: ReadonlyArray<{ readonly fixture: string; readonly pairs: ReadonlyArray<readonly [number, number]> }> = [
  { fixture: 'external/pgcopydb-tests.sql', pairs: [[14, 15], [14, 17], [16, 18]] },
  { fixture: 'external/pagila.sql', pairs: [[14, 15], [15, 18]] },
  { fixture: 'external/danbooru-structure.sql', pairs: [[15, 15], [16, 18]] },
];

for (const { fixture, pairs } of schemas) {
  for (const [from, to] of pairs) {
    describe(`${fixture}, PostgreSQL ${from} → ${to}`, () => {
      it('migrates and verifies equal; rows, catalogs and (where pg_dump can) the dumped schema are equal', async () => {
        const source = await freshDatabase(await testServer(from), fixtureSql(fixture));
        const target = await freshDatabase(await testServer(to));
        const runDir = mkdtempSync(join(tmpdir(), 'pgferry-external-'));
        const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir, '--jobs', '2');
        assert.equal(run.code, 0, run.stderr + run.stdout);
        assert.match(run.stdout, /verified equal/);

        assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
        assert.deepEqual(await catalogInventory(target.url), await catalogInventory(source.url));
        if (pgDump && pgDump.major >= to) {
          const [sourceDump, targetDump] = [dumpedSchema(source.url), dumpedSchema(target.url)];
          const [sourceLines, targetLines] = [new Set(sourceDump.split('\n')), new Set(targetDump.split('\n'))];
          const onlyIn = (a: Set<string>, b: Set<string>) => [...a].filter((line) => !b.has(line));
          assert.deepEqual({ onlySource: onlyIn(sourceLines, targetLines), onlyTarget: onlyIn(targetLines, sourceLines) }, { onlySource: [], onlyTarget: [] });
          assert.equal(targetDump, sourceDump);
        }

        const verify = await cli('verify', '--from', source.url, '--to', target.url);
        assert.equal(verify.code, 0, verify.stderr + verify.stdout);
      });
    });
  }
}
