import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { fixtureSql } from './harness/fixtures.js';
import { isDone, killWhen, readSteps } from './harness/journal.js';
import { managedTarget } from './harness/managed-target.js';
import { serverObjectsOracle } from './harness/oracles/server-objects.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const snapshot = (url: string) => withClient(url, (c) => serverObjectsOracle.snapshot(c));

describe('server-level objects, resumed after kill -9', () => {
  it('killed once the pre-data (languages, foreign data, foreign tables) is committed, the same command ends equal and warns again', async () => {
    const source = await freshDatabase(await testServer(16), fixtureSql('kinds/server-objects.sql'));
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-server-objects-resume-'));
    const argv = ['migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir];

    const atKill = await killWhen(argv, runDir, (steps) => isDone(steps, 'schema:pre#1'));
    assert.ok(!isDone(atKill, 'event-triggers#1'), 'killed before the event triggers');

    const resumed = await cli(...argv, '--resume');
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout, /\(resumed\)/);
    assert.match(resumed.stdout, /USER_MAPPING_PASSWORD_DROPPED\] user mapping for server_objects_user server files/);
    assert.equal(readSteps(runDir).find((s) => s.id === 'schema:pre#1')?.attempts, 1, 'the committed pre-data was not redone');
    assert.deepEqual(await snapshot(target.url), await snapshot(source.url));
  });

  it('on a managed-style target, killed after the publications, the resumed run names every refusal again, once', async () => {
    const source = await freshDatabase(await testServer(16), fixtureSql('kinds/server-objects.sql'));
    const target = await managedTarget(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-server-objects-resume-'));
    const argv = ['migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir];

    await killWhen(argv, runDir, (steps) => isDone(steps, 'publications#1'));

    const resumed = await cli(...argv, '--resume');
    assert.equal(resumed.code, 1, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout, /\(resumed\)/);
    assert.doesNotMatch(resumed.stdout, /SCHEMA_FAILED/);
    for (const key of serverObjectsOracle.refusedWithoutSuperuser) {
      assert.equal(resumed.stdout.split(`OBJECT_REFUSED] ${key} was not created`).length - 1, 1, `${key} not named once as refused:\n${resumed.stdout}`);
      assert.ok(resumed.stdout.includes(`${key}: exists: source yes, target missing`), `${key} not named missing by verify:\n${resumed.stdout}`);
    }
    for (const step of ['schema:pre#1', 'publications#1']) assert.equal(readSteps(runDir).find((s) => s.id === step)?.attempts, 1, `${step} was not redone`);
  });
});
