import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { RejectSink, SourceEndpoint, TargetEndpoint } from '../src/endpoints/endpoint.js';
import { openRejectFile } from '../src/run/reject-file.js';
import { openPostgresEndpoint } from '../src/endpoints/open-endpoint.js';
import { PgferryError } from '../src/errors/pgferry-error.js';
import { runLoad } from '../src/phases/load.js';
import type { LoadStep } from '../src/phases/load-plan.js';
import type { PgferryEvent } from '../src/model/events.js';
import { Journal } from '../src/run/journal.js';
import { runPathsFor } from '../src/run/run-paths.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const opened: Array<SourceEndpoint & TargetEndpoint> = [];
after(async () => {
  await Promise.all(opened.map((e) => e.close().catch(() => undefined)));
});

function endpoint(url: string, role: 'source' | 'target'): SourceEndpoint & TargetEndpoint {
  const opened1 = openPostgresEndpoint(url, { role, connectTimeoutSeconds: 10 });
  opened.push(opened1);
  return opened1;
}

function copyStep(schema: string, name: string): LoadStep {
  const id = `copy:${schema}.${name}`;
  return { kind: 'copy', id, phase: 'copy', needs: [], cost: 1, copy: { id, table: { schema, name }, bytes: 1 } };
}

/** Runs the load of `steps` between two databases; resolves to the outcome, the events and the source sessions opened. */
async function load(sourceUrl: string, targetUrl: string, steps: LoadStep[], extra: { lockWaitMs?: number; rejectFile?: (stepId: string) => Promise<RejectSink>; targetRejects?: boolean } = {}) {
  const sourceOpens = { n: 0 };
  const source = endpoint(sourceUrl, 'source');
  const snapshot = await source.openSnapshot();
  const openReader = source.openReader.bind(source);
  // Counts the source readers the load opens (a retry opens another).
  source.openReader = (id) => {
    sourceOpens.n += 1;
    return openReader(id);
  };
  const journal = Journal.open(runPathsFor(mkdtempSync(join(tmpdir(), 'pgferry-copy-failures-')), sourceUrl, targetUrl), 'test');
  const events: PgferryEvent[] = [];
  const started = Date.now();
  const outcome = await runLoad(steps, {
    jobs: 1,
    journal,
    snapshot: snapshot.id,
    source,
    target: endpoint(targetUrl, 'target'),
    onEvent: (e) => events.push(e),
    ...extra,
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
  journal.close();
  await snapshot.release();
  return { error: outcome as PgferryError | undefined, events, sourceOpens: sourceOpens.n, ms: Date.now() - started };
}

/** Independent of pgferry: source backends of this database still streaming a COPY, after a short grace. */
async function sourceCopies(url: string, database: string): Promise<string[]> {
  for (let i = 0; ; i++) {
    const { rows } = await withClient(url, (c) =>
      c.query<{ query: string }>(`SELECT query FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'COPY %' AND state <> 'idle'`, [database]),
    );
    if (rows.length === 0 || i >= 25) return rows.map((r) => r.query);
    await sleep(200);
  }
}

const wide = (rows: number) => `CREATE TABLE big (id int PRIMARY KEY, pad text); INSERT INTO big SELECT g, repeat('x', 500) FROM generate_series(1, ${rows}) g;`;

describe('copy failures end the run, close their sessions and say what happened (PostgreSQL 14 → 17)', () => {
  it('case 9: a target backend terminated mid-COPY ends the run with a clear error and leaves no source session in COPY', { timeout: 60_000 }, async () => {
    const [sourceServer, targetServer] = [await testServer(14), await testServer(17)];
    const source = await freshDatabase(sourceServer, wide(30000));
    // A slow target (a trigger that sleeps now and then) keeps the COPY running long enough to be cut.
    const target = await freshDatabase(
      targetServer,
      `CREATE TABLE big (id int PRIMARY KEY, pad text);
       CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.id % 300 = 0 THEN PERFORM pg_sleep(0.05); END IF; RETURN NEW; END $$;
       CREATE TRIGGER slow BEFORE INSERT ON big FOR EACH ROW EXECUTE FUNCTION slow();`,
    );
    const killer = (async () => {
      for (;;) {
        const { rows } = await withClient(targetServer.url(), (c) =>
          c.query(`SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'COPY %FROM STDIN%' AND state = 'active'`, [target.name]),
        );
        if (rows.length > 0) return;
        await sleep(50);
      }
    })();
    const outcome = await load(source.url, target.url, [copyStep('public', 'big')]);
    await killer;
    assert.ok(outcome.error instanceof PgferryError, String(outcome.error));
    assert.equal(outcome.error.code, 'CONNECTION_LOST', outcome.error.message);
    assert.match(outcome.error.message, /^target [^:]+:\d+\/\S+: connection lost while copying public\.big/);
    assert.deepEqual(await sourceCopies(sourceServer.url(), source.name), [], 'no source backend left in COPY');
    const { rows } = await withClient(target.url, (c) => c.query('SELECT count(*)::int AS n FROM big'));
    assert.equal(rows[0].n, 0, 'nothing committed on the target');
  });

  it('case 9: a row the target rejects mid-stream (a character its encoding lacks) ends the run with the server error and closes the source COPY', { timeout: 60_000 }, async () => {
    const [sourceServer, targetServer] = [await testServer(14), await testServer(17)];
    const source = await freshDatabase(sourceServer, `${wide(40000)} UPDATE big SET pad = 'price in €' WHERE id = 8000;`);
    const targetName = `copy_failures_latin1_${process.pid}`;
    await withClient(targetServer.url(), (c) => c.query(`CREATE DATABASE ${targetName} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`));
    const targetUrl = targetServer.url(targetName);
    await withClient(targetUrl, (c) => c.query('CREATE TABLE big (id int PRIMARY KEY, pad text)'));
    const outcome = await load(source.url, targetUrl, [copyStep('public', 'big')]);
    assert.ok(outcome.error instanceof PgferryError, String(outcome.error));
    assert.equal(outcome.error.code, 'COPY_FAILED', outcome.error.message);
    assert.equal(outcome.error.server?.sqlState, '22P05');
    assert.match(outcome.error.message, /failed on the target: .*has no equivalent in encoding "LATIN1" \(SQLSTATE 22P05\)/);
    assert.equal(outcome.sourceOpens, 1, 'not retried: the target refused a row, the source was never lost');
    assert.deepEqual(await sourceCopies(sourceServer.url(), source.name), [], 'no source backend left in COPY');
  });

  it('with a reject file, a row the target refuses goes to the file with its reason and the rest of the table loads', { timeout: 60_000 }, async () => {
    const [sourceServer, targetServer] = [await testServer(14), await testServer(17)];
    const source = await freshDatabase(sourceServer, `${wide(20000)} UPDATE big SET pad = 'price in €' WHERE id IN (8000, 15000);`);
    const targetName = `copy_failures_rejects_${process.pid}`;
    await withClient(targetServer.url(), (c) => c.query(`CREATE DATABASE ${targetName} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`));
    const targetUrl = targetServer.url(targetName);
    await withClient(targetUrl, (c) => c.query('CREATE TABLE big (id int PRIMARY KEY, pad text)'));
    const paths = runPathsFor(mkdtempSync(join(tmpdir(), 'pgferry-rejects-')), source.url, targetUrl);
    const outcome = await load(source.url, targetUrl, [copyStep('public', 'big')], { rejectFile: (stepId) => openRejectFile(paths, stepId), targetRejects: true });
    assert.equal(outcome.error, undefined, String(outcome.error));
    const warning = outcome.events.find((e) => e.type === 'warning' && e.code === 'ROWS_REJECTED');
    assert.ok(warning && warning.type === 'warning', 'a ROWS_REJECTED warning');
    assert.match(warning.message, /20000 row\(s\) read = 19998 loaded \+ 2 rejected/);
    const { rows } = await withClient(targetUrl, (c) => c.query('SELECT count(*)::int AS n, bool_or(id IN (8000, 15000)) AS refused_there FROM big'));
    assert.deepEqual(rows[0], { n: 19998, refused_there: false });
    const lines = readFileSync(join(paths.rejects, 'public.big.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.row[0], l.row[1], l.sqlState]), [['8000', 'price in €', '22P05'], ['15000', 'price in €', '22P05']]);
    assert.match(lines[0].reason, /has no equivalent in encoding "LATIN1"/);
  });

  it('with a reject file, a target lost while loading row by row is named as the target, not retried as a lost source', { timeout: 60_000 }, async () => {
    const [sourceServer, targetServer] = [await testServer(14), await testServer(17)];
    const source = await freshDatabase(sourceServer, `${wide(12000)} UPDATE big SET pad = 'price in €' WHERE id = 100;`);
    const targetName = `copy_failures_reject_lost_${process.pid}`;
    await withClient(targetServer.url(), (c) => c.query(`CREATE DATABASE ${targetName} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`));
    const targetUrl = targetServer.url(targetName);
    await withClient(targetUrl, (c) => c.query('CREATE TABLE big (id int PRIMARY KEY, pad text)'));
    const paths = runPathsFor(mkdtempSync(join(tmpdir(), 'pgferry-rejects-')), source.url, targetUrl);
    // The first refused row ends the target's load session before it goes to the file: the next batch meets a lost target.
    let terminated = 0;
    const rejects = async (stepId: string): Promise<RejectSink> => {
      const sink = await openRejectFile(paths, stepId);
      return {
        location: sink.location,
        close: () => sink.close(),
        writeSetAside: (entry) => sink.writeSetAside(entry),
        write: async (row, reason) => {
          if (terminated === 0) {
            const { rows } = await withClient(targetServer.url(), (c) =>
              c.query('SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [targetName]),
            );
            terminated = rows.length;
          }
          await sink.write(row, reason);
        },
      };
    };
    const outcome = await load(source.url, targetUrl, [copyStep('public', 'big')], { rejectFile: rejects, targetRejects: true });
    assert.ok(terminated > 0, 'the target session was ended');
    assert.ok(outcome.error instanceof PgferryError, String(outcome.error));
    assert.equal(outcome.error.code, 'CONNECTION_LOST', outcome.error.message);
    assert.match(outcome.error.message, /^target [^:]+:\d+\/\S+: connection lost while copying public\.big/);
    assert.equal(outcome.sourceOpens, 2, 'the fast load and the row-by-row pass, not retried: the source was never lost');
    assert.equal(outcome.events.filter((e) => e.type === 'warning' && e.code === 'COPY_RETRIED').length, 0);
    assert.deepEqual(await sourceCopies(sourceServer.url(), source.name), [], 'no source backend left in COPY');
  });

  it('case 13: an SQL error on the source is reported with its message and SQLSTATE, not retried as a lost connection', { timeout: 60_000 }, async () => {
    const [sourceServer, targetServer] = [await testServer(14), await testServer(17)];
    const source = await freshDatabase(sourceServer, 'CREATE TABLE present (id int)');
    const target = await freshDatabase(targetServer, 'CREATE TABLE gone (id int)');
    const outcome = await load(source.url, target.url, [copyStep('public', 'gone')]);
    assert.ok(outcome.error instanceof PgferryError, String(outcome.error));
    assert.notEqual(outcome.error.code, 'CONNECTION_LOST', outcome.error.message);
    assert.equal(outcome.error.server?.sqlState, '42P01');
    assert.match(outcome.error.message, /relation "public\.gone" does not exist/);
    assert.equal(outcome.sourceOpens, 1, 'one attempt only');
    assert.equal(outcome.events.filter((e) => e.type === 'warning' && e.code === 'COPY_RETRIED').length, 0);
  });

  it('case 9: a target table locked by another session gives a notice naming it, then TABLE_LOCKED within the bound', { timeout: 60_000 }, async () => {
    const [sourceServer, targetServer] = [await testServer(14), await testServer(17)];
    const source = await freshDatabase(sourceServer, 'CREATE TABLE t (id int); INSERT INTO t VALUES (1)');
    const target = await freshDatabase(targetServer, 'CREATE TABLE t (id int)');
    const locker = new pg.Client({ connectionString: target.url, application_name: 'copy_failures_locker' });
    await locker.connect();
    await locker.query('BEGIN; LOCK TABLE t IN ACCESS SHARE MODE');
    const outcome = await load(source.url, target.url, [copyStep('public', 't')], { lockWaitMs: 3000 });
    await locker.query('ROLLBACK');
    await locker.end();
    assert.ok(outcome.error instanceof PgferryError, String(outcome.error));
    assert.equal(outcome.error.code, 'TABLE_LOCKED', outcome.error.message);
    assert.match(outcome.error.message, /copy_failures_locker/);
    const notices = outcome.events.filter((e) => e.type === 'warning' && e.code === 'TABLE_LOCK_WAIT');
    assert.equal(notices.length, 1);
    assert.match((notices[0] as { message: string }).message, /"public"\."t" is locked by pid \d+ .*copy_failures_locker/);
    assert.ok(outcome.ms < 15_000, `ended after ${outcome.ms} ms`);
  });
});
