import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TargetEndpoint, TargetSession } from '../src/endpoints/endpoint.js';
import { openEndpoint } from '../src/endpoints/open-endpoint.js';
import { applySchemaUnits } from '../src/phases/apply-schema-units.js';
import { applyLargeObjectMetadata } from '../src/phases/large-object-metadata.js';
import { Journal } from '../src/run/journal.js';
import { runPathsFor } from '../src/run/run-paths.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

// A role holding a privilege without its grant option: the server answers its GRANT with a warning (SQLSTATE 01007,
// "no privileges were granted") and changes nothing. Every path that applies grants names that as not applied.
describe('a GRANT the target only warns about is named PRIVILEGE_NOT_APPLIED (PostgreSQL 17)', () => {
  const role = `silent_grantor_${process.pid}`;
  let url: string;
  let endpoint: TargetEndpoint;
  let session: TargetSession;

  before(async () => {
    const server = await testServer(17);
    await withClient(server.url(), (c) => c.query(`CREATE ROLE ${role} LOGIN PASSWORD 'silent-pw'`));
    const database = await freshDatabase(
      server,
      `CREATE TABLE shared (id int); GRANT SELECT ON shared TO ${role};
       SELECT lo_from_bytea(424242, 'x'); GRANT SELECT ON LARGE OBJECT 424242 TO ${role};`,
    );
    url = server.url(database.name, role, 'silent-pw');
    endpoint = openEndpoint(url, { role: 'target', connectTimeoutSeconds: 10 });
    session = await endpoint.openLoadSession();
  });

  after(async () => {
    await session?.close();
    await endpoint?.close();
  });

  it('in a schema unit applied in a journaled transaction (a grant of the unit, under a savepoint)', async () => {
    const journal = Journal.open(runPathsFor(mkdtempSync(join(tmpdir(), 'pgferry-silent-')), url, url), 'test');
    try {
      const unit = { id: 'table public.shared', create: [], settle: ['GRANT SELECT ON public.shared TO PUBLIC'], needs: [], refusable: false };
      const applied = await applySchemaUnits(journal, session, { phase: 'schema:post', idPrefix: 'grants', units: [unit], refusedBefore: new Set() });
      assert.deepEqual(
        applied.warnings.map((w) => [w.code, w.message.replace(/:.*$/, '')]),
        [['PRIVILEGE_NOT_APPLIED', 'target refused "GRANT SELECT ON public.shared TO PUBLIC"']],
      );
      assert.match(applied.warnings[0]!.message, /no privileges were granted/);
    } finally {
      journal.close();
    }
  });

  it("in a large object's metadata", async () => {
    const grants = [{ grantee: null, privilege: 'SELECT', grantable: false }];
    const warnings = await applyLargeObjectMetadata(session, [{ oid: 424242, owner: 'postgres', grants, comment: null }], () => null);
    assert.deepEqual(warnings.map((w) => w.code), ['PRIVILEGE_NOT_APPLIED']);
    assert.match(warnings[0]!.message, /^large object 424242: target refused "GRANT SELECT ON LARGE OBJECT 424242 TO PUBLIC": no privileges were granted/);
  });
});
