import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cli, type CliRun } from './harness/cli.js';
import { managedTarget } from './harness/managed-target.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

// A table whose column default calls a function in a language a managed target refuses: the table is refused in
// turn, and so is everything that belongs to it (its sequence's owner column, column settings, extended
// statistics, rules, column grants, comments, a view over it).
const source = `
CREATE TRUSTED LANGUAGE plpgsql_copy HANDLER plpgsql_call_handler INLINE plpgsql_inline_handler VALIDATOR plpgsql_validator;
CREATE SCHEMA app;
CREATE FUNCTION app.next_code() RETURNS text LANGUAGE plpgsql_copy AS $$ BEGIN RETURN 'code'; END $$;
CREATE TABLE app.tickets (id serial PRIMARY KEY, code text NOT NULL DEFAULT app.next_code(), note text);
INSERT INTO app.tickets (note) SELECT 'n' || g FROM generate_series(1, 50) g;
ALTER TABLE app.tickets ALTER COLUMN note SET STORAGE EXTERNAL;
ALTER TABLE app.tickets ALTER COLUMN note SET STATISTICS 500;
CREATE STATISTICS app.tickets_stats (ndistinct) ON code, note FROM app.tickets;
COMMENT ON STATISTICS app.tickets_stats IS 'codes and notes';
CREATE RULE tickets_no_delete AS ON DELETE TO app.tickets DO INSTEAD NOTHING;
GRANT SELECT (note) ON app.tickets TO PUBLIC;
COMMENT ON COLUMN app.tickets.note IS 'a note';
CREATE VIEW app.ticket_notes AS SELECT id, note FROM app.tickets;
CREATE TABLE app.tally (id int GENERATED ALWAYS AS IDENTITY, code text DEFAULT app.next_code());
INSERT INTO app.tally (code) SELECT 't' || g FROM generate_series(1, 5) g;
CREATE TABLE app.kept (id int PRIMARY KEY, label text);
INSERT INTO app.kept SELECT g, 'k' || g FROM generate_series(1, 30) g;
`;

describe('a table refused in turn on a managed-style target (no superuser), 16 → 17', () => {
  let from: { name: string; url: string };
  let to: { name: string; url: string };
  let run: CliRun;

  before(async () => {
    from = await freshDatabase(await testServer(16), source);
    to = await managedTarget(await testServer(17));
    run = await cli('migrate', '--from', from.url, '--to', to.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-refused-tables-')));
  });

  it('is named refused, neither created nor copied, and verify reports it missing (exit 1, not a failed run)', () => {
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr, /COPY_FAILED|SCHEMA_FAILED|LOAD_FAILED/);
    assert.match(run.stdout, /OBJECT_REFUSED\] language plpgsql_copy was not created/);
    assert.match(run.stdout, /OBJECT_REFUSED\] table app\.tickets was not created: it needs language plpgsql_copy/);
    assert.match(run.stdout, /OBJECT_REFUSED\] table app\.tally was not created: it needs language plpgsql_copy/);
    assert.match(run.stdout, /OBJECT_REFUSED\] view app\.ticket_notes was not created/);
    for (const table of ['app.tickets', 'app.tally']) assert.ok(run.stdout.includes(`table ${table}: exists: source yes, target missing`), run.stdout);
  });

  it('loads the tables it created, and leaves the refused one and its sequence unowned on the target', async () => {
    const { rows } = await withClient(to.url, (c) =>
      c.query<{ kept: string; tickets: string | null; owned: boolean }>(
        `SELECT (SELECT count(*) FROM app.kept) AS kept, to_regclass('app.tickets')::text AS tickets,
                EXISTS (SELECT 1 FROM pg_depend WHERE objid = 'app.tickets_id_seq'::regclass AND deptype = 'a' AND refobjsubid > 0) AS owned`,
      ),
    );
    assert.deepEqual(rows, [{ kept: '30', tickets: null, owned: false }]);
  });
});
