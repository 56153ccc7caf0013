import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';
import { pgText } from '../src/model/sqlite/pg-text-value.js';

const chinook = fileURLToPath(new URL('../../test/fixtures/external/chinook/Chinook_Sqlite.sqlite', import.meta.url));
/** The same data with every key AUTOINCREMENT (its sqlite_sequence holds the counters). */
const chinookAutoincrement = fileURLToPath(new URL('../../test/fixtures/external/chinook/Chinook_Sqlite_AutoIncrementPKs.sqlite', import.meta.url));

/** Read with better-sqlite3 directly: the oracle never goes through pgferry's reader. */
function fromSqlite<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('SQLite source', () => {
  it('migrates Chinook into PostgreSQL 17 and proves it: counts, totals, dates, non-ASCII names, identities continuing', async () => {
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-'));
    const run = await cli('migrate', '--from', `sqlite://${chinook}`, '--to', target.url, '--run-dir', runDir, '--jobs', '2');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /verified equal/);

    const tables = fromSqlite<{ name: string }>(chinook, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    assert.equal(tables.length, 11);
    await withClient(target.url, async (client) => {
      for (const { name } of tables) {
        const [expected] = fromSqlite<{ n: number }>(chinook, `SELECT count(*) AS n FROM "${name}"`);
        const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM public."${name.toLowerCase()}"`);
        assert.equal(Number(rows[0]!.n), expected!.n, name);
      }

      const invoices = fromSqlite<{ id: number; total: string; at: string }>(chinook, `SELECT InvoiceId AS id, printf('%.2f', Total) AS total, InvoiceDate AS at FROM Invoice ORDER BY InvoiceId`);
      const copied = await client.query<{ id: string; total: string; at: string; type: string }>(
        `SELECT invoiceid::text AS id, total::text AS total, to_char(invoicedate AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at, pg_typeof(invoicedate)::text AS type FROM public.invoice ORDER BY invoiceid`,
      );
      assert.equal(copied.rows[0]!.type, 'timestamp with time zone');
      assert.deepEqual(
        copied.rows.map((r) => [Number(r.id), r.total, r.at]),
        invoices.map((r) => [r.id, r.total, r.at]),
      );

      const names = fromSqlite<{ id: number; name: string }>(chinook, 'SELECT TrackId AS id, Name AS name FROM Track ORDER BY TrackId');
      assert.ok(names.some((r) => /[^\x00-\x7f]/.test(r.name)), 'Chinook has non-ASCII track names');
      const copiedNames = await client.query<{ id: string; name: string }>('SELECT trackid::text AS id, name FROM public.track ORDER BY trackid');
      assert.deepEqual(copiedNames.rows.map((r) => [Number(r.id), r.name]), names.map((r) => [r.id, r.name]));

      const [maxGenre] = fromSqlite<{ n: number }>(chinook, 'SELECT max(GenreId) AS n FROM Genre');
      const inserted = await client.query<{ id: string }>("INSERT INTO public.genre (name) VALUES ('Polka') RETURNING genreid::text AS id");
      assert.equal(Number(inserted.rows[0]!.id), maxGenre!.n + 1);
    });
  });

  it('migrates the AUTOINCREMENT variant of Chinook: verified equal, every identity continuing past sqlite_sequence', async () => {
    const target = await freshDatabase(await testServer(16));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-'));
    const run = await cli('migrate', '--from', `sqlite://${chinookAutoincrement}`, '--to', target.url, '--run-dir', runDir, '--no-backup');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /verified equal/);
    const counters = fromSqlite<{ name: string; seq: number }>(chinookAutoincrement, 'SELECT name, seq FROM sqlite_sequence ORDER BY name');
    assert.ok(counters.length >= 10, 'every table has an AUTOINCREMENT counter');
    await withClient(target.url, async (client) => {
      for (const { name, seq } of counters) {
        const { rows } = await client.query<{ next: string }>(
          `SELECT nextval(pg_get_serial_sequence('public.${name.toLowerCase()}', a.attname))::text AS next
             FROM pg_attribute a WHERE a.attrelid = 'public.${name.toLowerCase()}'::regclass AND a.attidentity <> ''`,
        );
        assert.equal(rows.length, 1, `${name} has one identity column`);
        assert.ok(Number(rows[0]!.next) > seq, `${name}: next id ${rows[0]!.next} is past sqlite_sequence ${seq}`);
      }
    });
  });

  it('verify reports a table different (exit 1) after one value changed on the target', async () => {
    const target = await freshDatabase(await testServer(17));
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-'));
    const run = await cli('migrate', '--from', `sqlite://${chinook}`, '--to', target.url, '--run-dir', runDir, '--no-backup');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const equal = await cli('verify', '--from', chinook, '--to', target.url, '--run-dir', runDir);
    assert.equal(equal.code, 0, equal.stdout + equal.stderr);

    await withClient(target.url, (client) => client.query("UPDATE public.invoice SET invoicedate = invoicedate + interval '1 second' WHERE invoiceid = 7"));
    const different = await cli('verify', '--from', `sqlite://${chinook}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(different.code, 1, different.stdout + different.stderr);
    assert.match(different.stdout, /✗\s+public\.invoice\b/);
    assert.doesNotMatch(different.stdout, /✗\s+public\.track\b/);
  });

  it('backs the file up with SQLite\'s online backup API, sha256 in the manifest; its test restore is skipped with the reason', async () => {
    const target = await freshDatabase(await testServer(17));
    const out = join(mkdtempSync(join(tmpdir(), 'pgferry-sqlite-backup-')), 'b');
    const run = await cli('backup', '--from', `sqlite://${chinook}`, '--to', target.url, '--out', out);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const { readFileSync } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const manifest = JSON.parse(readFileSync(join(out, 'backup', 'manifest.json'), 'utf8')) as {
      kind: string;
      files: Array<{ path: string; sha256: string }>;
      check: { testRestore: { status: string; reason?: string } };
    };
    assert.equal(manifest.kind, 'sqlite');
    const copy = manifest.files.find((f) => f.path === 'database.sqlite')!;
    assert.equal(copy.sha256, createHash('sha256').update(readFileSync(join(out, 'backup', copy.path))).digest('hex'));
    assert.deepEqual(
      fromSqlite<{ n: number }>(join(out, 'backup', copy.path), 'SELECT count(*) AS n FROM Track'),
      fromSqlite<{ n: number }>(chinook, 'SELECT count(*) AS n FROM Track'),
    );
    assert.equal(manifest.check.testRestore.status, 'skipped');
    assert.match(manifest.check.testRestore.reason ?? '', /not supported yet/);

    const restored = await cli('restore', out, '--to', (await freshDatabase(await testServer(17))).url);
    assert.notEqual(restored.code, 0);
    assert.match(restored.stdout + restored.stderr, /RESTORE_FAILED[\s\S]*copy of a SQLite file/);
  });

  it('refuses a SQLite file as the target', async () => {
    const run = await cli('migrate', '--from', 'postgres://localhost/app', '--to', 'sqlite:///srv/app/out.db');
    assert.notEqual(run.code, 0);
    assert.match(run.stdout + run.stderr, /URL_UNSUPPORTED[\s\S]*SQLite is a source only/);
  });
});

describe('SQLite values in PostgreSQL\'s text form', () => {
  const cases: ReadonlyArray<readonly [unknown, string, string | null]> = [
    [1n, 'boolean', 't'],
    [0n, 'boolean', 'f'],
    [0.1 + 0.2, 'double precision', '0.30000000000000004'],
    [1.0000000000000002, 'double precision', '1.0000000000000002'],
    [9223372036854775807n, 'bigint', '9223372036854775807'],
    [2n, 'numeric(10,2)', '2.00'],
    [12.3, 'numeric(10,2)', '12.30'],
    ['2023-11-14 22:13:20', 'timestamptz', '2023-11-14 22:13:20+00'],
    ['2023-11-14T23:13:20+01:00', 'timestamptz', '2023-11-14 22:13:20+00'],
    ['2023-11-14T22:13:20.123Z', 'timestamptz', '2023-11-14 22:13:20.123+00'],
    ['2023-11-14', 'timestamptz', '2023-11-14 00:00:00+00'],
    [1700000000n, 'timestamptz', '2023-11-14 22:13:20+00'],
    [1700000000123n, 'timestamptz', '2023-11-14 22:13:20.123+00'],
    [1700000000.5, 'timestamptz', '2023-11-14 22:13:20.5+00'],
    [0n, 'timestamptz', '1970-01-01 00:00:00+00'],
    ['2023-11-14', 'date', '2023-11-14'],
    [Buffer.from([0xde, 0xad]), 'bytea', '\\xdead'],
    ['{"a": 1}', 'jsonb', '{"a": 1}'],
    ['ab', 'char(3)', 'ab '],
    [null, 'bigint', null],
  ];
  for (const [value, type, text] of cases) {
    it(`${String(value)} in ${type} → ${String(text)}`, () => assert.deepEqual(pgText(value as never, type), { text }));
  }
  const junk: ReadonlyArray<readonly [unknown, string]> = [
    ['abc', 'bigint'],
    [1.5, 'bigint'],
    [2n, 'boolean'],
    ['', 'timestamptz'],
    ['yesterday', 'timestamptz'],
    ['n/a', 'double precision'],
    [0.125, 'numeric(10,2)'],
    [123456789012.5, 'numeric(10,2)'],
    ['{a:1}', 'jsonb'],
    ['a\0b', 'text'],
    [Buffer.from([1]), 'text'],
  ];
  for (const [value, type] of junk) {
    it(`rejects ${JSON.stringify(String(value))} in ${type}`, () => assert.ok('rejected' in pgText(value as never, type)));
  }
});
