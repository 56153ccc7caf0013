import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

describe('databases in different encodings', () => {
  it('case 2 sibling: a LATIN1 source migrated to a UTF8 target verifies equal, and a changed accent is still a difference', async () => {
    const sourceServer = await testServer(16);
    const name = `encodings_latin1_${process.pid}`;
    await withClient(sourceServer.url(), (c) => c.query(`CREATE DATABASE ${name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`));
    const sourceUrl = sourceServer.url(name);
    await withClient(sourceUrl, (c) =>
      c.query(`CREATE TYPE who AS ENUM ('Müller', 'Zoë');
               CREATE TABLE people (id int PRIMARY KEY, name text, short varchar(20), w who, tags text[], doc jsonb);
               INSERT INTO people VALUES (1, 'Müller', 'Ærø', 'Müller', '{ß,é}', '{"n": "Ærø"}'), (2, 'Zoë', 'plain', 'Zoë', '{}', '[]');
               CREATE TABLE keyless (name text);
               INSERT INTO keyless VALUES ('Çà'), ('Çà');`),
    );
    const target = await freshDatabase(await testServer(17));
    const run = await cli('migrate', '--from', sourceUrl, '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-enc-')));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /verified equal/);
    const names = await withClient(target.url, async (c) => (await c.query(`SELECT name || '/' || short || '/' || w AS v FROM people ORDER BY id`)).rows.map((r) => r.v));
    assert.deepEqual(names, ['Müller/Ærø/Müller', 'Zoë/plain/Zoë']);

    await withClient(target.url, (c) => c.query(`UPDATE people SET name = 'Muller' WHERE id = 1`));
    const verify = await cli('verify', '--from', sourceUrl, '--to', target.url);
    assert.equal(verify.code, 1, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /different key 1\n/);
  });
});
