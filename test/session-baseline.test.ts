import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const schema = `
  CREATE TABLE bookings (
    id integer PRIMARY KEY,
    day date NOT NULL DEFAULT '1999-01-02',
    span interval DEFAULT '1 day 02:03:04',
    CONSTRAINT after_start CHECK (day >= '1990-01-13')
  );
  INSERT INTO bookings (id) VALUES (1);
  CREATE TABLE log (day date NOT NULL, note text) PARTITION BY RANGE (day);
  CREATE TABLE log_early PARTITION OF log FOR VALUES FROM ('1999-01-02') TO ('1999-02-01');
  INSERT INTO log VALUES ('1999-01-03', 'kept');
  CREATE VIEW early AS SELECT id FROM bookings WHERE day < '1999-03-04';
  CREATE TABLE events (at timestamptz NOT NULL) PARTITION BY RANGE (at);
  CREATE TABLE events_2022 PARTITION OF events FOR VALUES FROM ('2022-01-01 00:00+00') TO ('2023-01-01 00:00+00');
  CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
  ALTER DOMAIN positive ADD CONSTRAINT not_thirteen CHECK (VALUE <> 13) NOT VALID;
`;

/** What the target holds, read under ISO dates whatever the database's own defaults. */
async function targetFacts(url: string): Promise<Record<string, unknown>> {
  return withClient(url, async (c) => {
    await c.query(`SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'`);
    await c.query('INSERT INTO bookings (id) VALUES (2)');
    const { rows } = await c.query(`
      SELECT (SELECT day::text || ' ' || span::text FROM bookings WHERE id = 2) AS defaults,
             (SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'log_early') AS bound,
             (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'after_start') AS "check",
             (SELECT count(*)::int FROM early) AS early_rows,
             (SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'events_2022') AS instants,
             (SELECT string_agg(conname || ' ' || convalidated, ', ' ORDER BY conname) FROM pg_constraint WHERE contypid = 'positive'::regtype) AS domain_checks`);
    return rows[0] as Record<string, unknown>;
  });
}

describe('definitions read from one server parse the same on the other', () => {
  it('case 3: dates, intervals and time zones in defaults, checks, partition bounds and views survive a source and a target with other DateStyle, IntervalStyle and TimeZone defaults; verify calls them equal; a NOT VALID domain check stays so', async () => {
    const sourceServer = await testServer(14);
    const targetServer = await testServer(17);
    const source = await freshDatabase(sourceServer, schema);
    const target = await freshDatabase(targetServer);
    await withClient(sourceServer.url(), (c) =>
      c.query(`ALTER DATABASE ${source.name} SET DateStyle = 'SQL, DMY'; ALTER DATABASE ${source.name} SET IntervalStyle = 'sql_standard';
               ALTER DATABASE ${source.name} SET TimeZone = 'America/St_Johns'`),
    );
    await withClient(targetServer.url(), (c) => c.query(`ALTER DATABASE ${target.name} SET DateStyle = 'SQL, MDY'`));
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-baseline-')));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await targetFacts(target.url), {
      defaults: '1999-01-02 1 day 02:03:04',
      bound: "FOR VALUES FROM ('1999-01-02') TO ('1999-02-01')",
      check: "CHECK ((day >= '1990-01-13'::date))",
      early_rows: 2,
      instants: "FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2023-01-01 00:00:00+00')",
      domain_checks: 'not_thirteen false, positive_check true',
    });
  });
});
