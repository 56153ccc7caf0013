import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { comparableSchema, sequenceValues, tableDigests } from './harness/compare.js';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

for (const [from, to] of [[14, 17], [15, 17], [16, 18]] as const) {
  describe(`migrate PostgreSQL ${from} → ${to}`, () => {
    it('copies every object kind and every row; the two databases compare equal', async () => {
      const sourceServer = await testServer(from);
      const targetServer = await testServer(to);
      const source = await freshDatabase(sourceServer, fixtureSql('migrate-fixture.sql'));
      const target = await freshDatabase(targetServer);
      const runDir = mkdtempSync(join(tmpdir(), 'pgferry-migrate-'));
      const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir, '--jobs', '2');
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.match(run.stdout, /MIGRATED: /);

      assert.deepEqual(await tableDigests(target.url), await tableDigests(source.url));
      const [sourceSchema, targetSchema] = [await comparableSchema(source.url, from), await comparableSchema(target.url, to)];
      assert.deepEqual(targetSchema.objects, sourceSchema.objects);
      for (const part of ['schemas', 'extensions', 'indexes', 'constraints', 'triggers', 'policies', 'comments', 'notCovered'] as const) {
        assert.deepEqual(targetSchema[part], sourceSchema[part], part);
      }
      // Roles belong to the whole server (shared by these tests), and each server has its own postgres password.
      const roleAttributes = (roles: typeof sourceSchema.roles) => roles.map(({ passwordHash: _hash, ...attributes }) => attributes);
      assert.deepEqual(roleAttributes(targetSchema.roles), roleAttributes(sourceSchema.roles));
      assert.deepEqual(await sequenceValues(target.url), await sequenceValues(source.url));
      await withClient(target.url, async (c) => {
        const { rows } = await c.query(`SELECT conname FROM pg_constraint WHERE NOT convalidated ORDER BY 1`);
        assert.deepEqual(rows.map((r) => r.conname), ['placed_recently'], 'only the constraint the source holds NOT VALID stays unvalidated');
        const logs = await c.query(`SELECT count(*)::int AS n FROM app.logs`);
        assert.equal(logs.rows[0].n, 2003, "the source's 2003 log rows, and none from the insert trigger firing during the load");
      });
    });
  });
}
