/** Issue 8 cases 2 and 15: verify's data comparison never calls different data equal, counts exactly, and fails as "cannot compare". */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { verify } from '../src/api/verify.js';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient, type TestServer } from './harness/servers.js';

describe('verify compares data 14 → 17 (issue 8)', () => {
  let sourceServer: TestServer;
  let targetServer: TestServer;

  before(async () => {
    sourceServer = await testServer(14);
    targetServer = await testServer(17);
  });

  /** A source and a target database: `shared` runs in both, then `source` and `target` in each. */
  async function databases(shared: string, source: string, target: string): Promise<{ source: string; target: string }> {
    const a = await freshDatabase(sourceServer, `${shared}; ${source}`);
    // The public schema of a new database differs from 15 on (owner, CREATE for everyone): make it 14's.
    const b = await freshDatabase(targetServer, `ALTER SCHEMA public OWNER TO postgres; GRANT CREATE ON SCHEMA public TO PUBLIC; ${shared}; ${target}`);
    return { source: a.url, target: b.url };
  }

  const rowsOf = (url: string, table: string) => withClient(url, async (c) => (await c.query<{ id: number; row: string }>(`SELECT id, t::text AS row FROM ${table} t ORDER BY id`)).rows);

  it("case 2: a NULL where the source has 0, -0, NaN, ±Infinity, '{}' or '[]', and 1.0 vs 1.00 or -0 vs 0, are differences", async () => {
    const shared = 'CREATE TABLE c2 (id int PRIMARY KEY, f float8, n numeric, j jsonb)';
    const rows = `INSERT INTO c2 VALUES (1, 0, 1, '1'), (2, '-0', 'NaN', '{}'), (3, 5, 'Infinity', '[]'), (4, 5, '-Infinity', '[1]'), (5, 5, 1.0, '[1]'), (6, '-0', 2, '[]'), (7, 7, -3, '3')`;
    const changes = [
      'UPDATE c2 SET f = NULL WHERE id = 1',
      'UPDATE c2 SET n = NULL WHERE id = 2',
      'UPDATE c2 SET j = NULL WHERE id = 3',
      'UPDATE c2 SET n = NULL WHERE id = 4',
      'UPDATE c2 SET n = 1.00 WHERE id = 5',
      'UPDATE c2 SET f = 0 WHERE id = 6',
      'UPDATE c2 SET n = 3 WHERE id = 7',
    ];
    const db = await databases(shared, rows, `${rows}; ${changes.join('; ')}`);
    // Independent oracle: the rows whose text differs between the two servers.
    const [s, t] = [await rowsOf(db.source, 'public.c2'), await rowsOf(db.target, 'public.c2')];
    const differing = s.filter((r, i) => r.row !== t[i]!.row).map((r) => r.id);
    assert.deepEqual(differing, [1, 2, 3, 4, 5, 6, 7]);
    const run = await cli('verify', '--from', db.source, '--to', db.target);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /│ ✗ │ public\.c2\s+│ 7\s+│ 7\s+│ 7 row\(s\) differ/);
    for (const id of differing) assert.match(run.stdout, new RegExp(`different key ${id}\\n`));
  });

  it('case 2: text that differs only in case is a difference under a case-insensitive collation (char, arrays, a keyless table)', async () => {
    const shared = `CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
                    CREATE TABLE ci_keyed (id int PRIMARY KEY, c char(5) COLLATE ci, a text[] COLLATE ci);
                    CREATE TABLE ci_keyless (c char(5) COLLATE ci)`;
    const db = await databases(
      shared,
      `INSERT INTO ci_keyed VALUES (1, 'ABC', '{x}'), (2, 'x', '{ABC}'); INSERT INTO ci_keyless VALUES ('ABC')`,
      `INSERT INTO ci_keyed VALUES (1, 'abc', '{x}'), (2, 'x', '{abc}'); INSERT INTO ci_keyless VALUES ('abc')`,
    );
    const run = await cli('verify', '--from', db.source, '--to', db.target);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /│ ✗ │ public\.ci_keyed\s+│ 2\s+│ 2\s+│ 2 row\(s\) differ/);
    assert.match(run.stdout, /│ ✗ │ public\.ci_keyless /);
  });

  it('case 9: a table another session keeps locked makes verify fail with TABLE_LOCKED within --lock-wait, not wait forever', { timeout: 60_000 }, async () => {
    const db = await databases('CREATE TABLE held (id int PRIMARY KEY)', 'INSERT INTO held VALUES (1)', 'INSERT INTO held VALUES (1)');
    const { Client } = (await import('pg')).default;
    const holder = new Client({ connectionString: db.target });
    await holder.connect();
    try {
      await holder.query('BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const run = await cli('verify', '--from', db.source, '--to', db.target, '--lock-wait', '2');
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /TABLE_LOCKED/);
      assert.ok(Date.now() - started < 30_000, 'gave up within the bound');
    } finally {
      await holder.end();
    }
  });

  it('case 2: objects missing on the target — some pgferry does not migrate yet (a column grant), a rule, replica identity, column storage and statistics, CLUSTER ON — and a large object are differences, not "equal"', async () => {
    const shared = 'CREATE TABLE b (id int PRIMARY KEY, c text)';
    const db = await databases(
      shared,
      `SELECT lo_from_bytea(0, 'blob'); CREATE RULE keep AS ON DELETE TO b DO INSTEAD NOTHING; GRANT SELECT (c) ON b TO PUBLIC;
       ALTER TABLE b REPLICA IDENTITY FULL; ALTER TABLE b ALTER COLUMN c SET STORAGE MAIN; ALTER TABLE b ALTER COLUMN c SET STATISTICS 500;
       ALTER TABLE b CLUSTER ON b_pkey`,
      '',
    );
    const run = await cli('verify', '--from', db.source, '--to', db.target);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /✗ large object \d+: exists: source yes, target missing/);
    assert.match(run.stdout, /✗ rule keep on public\.b: exists: source yes, target missing/);
    assert.match(run.stdout, /✗ column grants on public\.b\.c: exists: source yes, target missing/);
    assert.match(run.stdout, /✗ replica identity of table public\.b: exists: source yes, target missing/);
    assert.match(run.stdout, /✗ storage of table public\.b column c: exists: source yes, target missing/);
    assert.match(run.stdout, /✗ statistics of table public\.b column c: exists: source yes, target missing/);
    assert.match(run.stdout, /✗ cluster on of table public\.b: exists: source yes, target missing/);
  });

  it('case 15: a table verify cannot read is exit 2 (cannot compare), never 1', async () => {
    const role = 'verify_data_reader';
    await withClient(targetServer.url(), (c) =>
      c.query(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} LOGIN PASSWORD 'reader-pw'; END IF; END $$`),
    );
    const db = await databases('CREATE TABLE secret (id int PRIMARY KEY, v text)', "INSERT INTO secret VALUES (1, 'a')", "INSERT INTO secret VALUES (1, 'a')");
    const name = new URL(db.target).pathname.slice(1);
    const run = await cli('verify', '--from', db.source, '--to', targetServer.url(name, role, 'reader-pw'));
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /verify could not compare 1 table\(s\)[^\n]*\n\s+- public\.secret: [^\n]*permission denied/);
    assert.doesNotMatch(run.stdout + run.stderr, /reader-pw/);
  });

  it('case 15: a connection lost while comparing makes verify fail (exit 2), not call the table different', async () => {
    const rows = 'INSERT INTO lost SELECT g, md5(g::text) FROM generate_series(1, 300000) g';
    const db = await databases('CREATE TABLE lost (id int8 PRIMARY KEY, v text)', rows, rows);
    const name = new URL(db.target).pathname.slice(1);
    let killed: Promise<unknown> | undefined;
    const result = await verify({
      overrides: { source: db.source, target: db.target, jobs: 1 },
      onEvent: (event) => {
        if (event.type === 'step:start' && !killed) {
          killed = withClient(targetServer.url(), (c) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]));
        }
      },
    });
    await killed;
    assert.equal(result.status, 'failed', JSON.stringify(result).slice(0, 500));
    assert.match(result.status === 'failed' ? result.error.message : '', /public\.lost|connection|terminat/);
  });

  it('case 15: a query the server cancels while comparing makes verify fail (exit 2), not call the table different', async () => {
    const rows = 'INSERT INTO cancelled SELECT g, md5(g::text) FROM generate_series(1, 300000) g';
    const db = await databases('CREATE TABLE cancelled (id int8 PRIMARY KEY, v text)', rows, rows);
    const name = new URL(db.target).pathname.slice(1);
    // Cancels the target's digest query as soon as it runs; the session itself stays usable.
    const cancel = async () => {
      for (let tries = 0; tries < 500; tries++) {
        const sql = "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE '%coalesce(sum(%' AND pid <> pg_backend_pid()";
        if ((await withClient(targetServer.url(), (c) => c.query(sql, [name]))).rowCount) return true;
      }
      return false;
    };
    let cancelled: Promise<boolean> | undefined;
    const result = await verify({
      overrides: { source: db.source, target: db.target, jobs: 1 },
      onEvent: (event) => {
        if (event.type === 'step:start') cancelled ??= cancel();
      },
    });
    assert.equal(await cancelled, true);
    assert.equal(result.status, 'failed', JSON.stringify(result).slice(0, 500));
    assert.match(result.status === 'failed' ? result.error.message : '', /could not compare 1 table\(s\)[^]*public\.cancelled: [^]*cancel/);
  });

  it('case 15: int8 keys near ±9.2e18 compare without "bigint out of range", in one part or several', async () => {
    const shared = 'CREATE TABLE edges (id int8 PRIMARY KEY, v text)';
    const rows = "INSERT INTO edges VALUES (-9223372036854775808, 'min'), (-9000000000000000000, 'a'), (0, 'zero'), (9000000000000000000, 'b'), (9223372036854775807, 'max')";
    const equal = await databases(shared, rows, rows);
    for (const jobs of ['1', '3']) {
      const run = await cli('verify', '--from', equal.source, '--to', equal.target, '--jobs', jobs);
      assert.equal(run.code, 0, run.stdout + run.stderr);
    }
    const changed = await databases(shared, rows, `${rows}; UPDATE edges SET v = 'MAX' WHERE id = 9223372036854775807; INSERT INTO edges VALUES (-9223372036854775807, 'extra')`);
    for (const jobs of ['1', '3']) {
      const run = await cli('verify', '--from', changed.source, '--to', changed.target, '--jobs', jobs);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout, /│ ✗ │ public\.edges\s+│ 5\s+│ 6\s+│ 2 row\(s\) differ/);
      assert.match(run.stdout, /different key 9223372036854775807\n/);
      assert.match(run.stdout, /extra key -9223372036854775807\n/);
    }
  });

  it('case 15: a table with no columns and one with only generated columns migrate and verify', async () => {
    const shared = 'CREATE TABLE nocols (); CREATE TABLE gen_only (g int GENERATED ALWAYS AS (7) STORED)';
    const source = await freshDatabase(sourceServer, `${shared}; INSERT INTO nocols SELECT FROM generate_series(1, 3); INSERT INTO gen_only SELECT FROM generate_series(1, 2)`);
    const target = await freshDatabase(targetServer);
    const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-verify-data-')));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const counts = await withClient(target.url, async (c) => (await c.query('SELECT (SELECT count(*) FROM nocols)::int AS a, (SELECT count(*) FROM gen_only WHERE g = 7)::int AS b')).rows[0]);
    assert.deepEqual(counts, { a: 3, b: 2 });
    await withClient(target.url, (c) => c.query('DELETE FROM nocols WHERE ctid = (SELECT min(ctid) FROM nocols)'));
    const after = await cli('verify', '--from', source.url, '--to', target.url);
    assert.equal(after.code, 1, after.stdout + after.stderr);
    assert.match(after.stdout, /│ ✗ │ public\.nocols\s+│ 3\s+│ 2\s+│ 1 row\(s\) differ/);
  });

  it('case 15: 260,000 differing rows in a keyless table are counted, not "Maximum call stack size exceeded"', async () => {
    const shared = 'CREATE TABLE wide_log (v int8)';
    // Source values are all even, target values all odd: no row of one side is on the other.
    const db = await databases(shared, 'INSERT INTO wide_log SELECT g * 2 FROM generate_series(1, 130000) g', 'INSERT INTO wide_log SELECT g * 2 + 1 FROM generate_series(1, 130000) g');
    const odd = async (url: string) => withClient(url, async (c) => (await c.query('SELECT count(*) FILTER (WHERE v % 2 = 1)::int AS odd, count(*)::int AS n FROM wide_log')).rows[0]);
    assert.deepEqual([await odd(db.source), await odd(db.target)], [{ odd: 0, n: 130000 }, { odd: 130000, n: 130000 }]);
    const run = await cli('verify', '--from', db.source, '--to', db.target);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /│ ✗ │ public\.wide_log\s+│ 130,000\s+│ 130,000\s+│ 260,000 row\(s\) differ/);
    assert.match(run.stdout, /… and 259,990 more/);
  });

  it('case 15: 2,006 missing rows are counted as 2,006 (or "at least 2,006"), never "1,000 differ"', async () => {
    const shared = 'CREATE TABLE orders (id int PRIMARY KEY, v int)';
    const rows = 'INSERT INTO orders SELECT g, g FROM generate_series(1, 10000) g';
    const db = await databases(shared, rows, `${rows}; DELETE FROM orders WHERE id % 4 = 0 AND id <= 8024`);
    const count = (url: string) => withClient(url, async (c) => (await c.query('SELECT count(*)::int AS n FROM orders')).rows[0].n as number);
    assert.equal((await count(db.source)) - (await count(db.target)), 2006);
    const quick = await cli('verify', '--from', db.source, '--to', db.target);
    assert.equal(quick.code, 1, quick.stdout + quick.stderr);
    assert.match(quick.stdout, /│ 10,000\s+│ 7,994\s+│ (at least )?2,006 row\(s\) differ/);
    const full = await cli('verify', '--from', db.source, '--to', db.target, '--max-diffs', '200');
    assert.match(full.stdout, /│ 10,000\s+│ 7,994\s+│ 2,006 row\(s\) differ/);
  });

  it('case 15: rows at the boundary of key-range parts are counted once', async () => {
    const shared = 'CREATE TABLE parted (id int PRIMARY KEY, v int)';
    const rows = 'INSERT INTO parted SELECT g, g FROM generate_series(1, 10000) g';
    // With 4 jobs the parts start at 1, 2501, 5001 and 7501: the changed rows straddle a boundary.
    const db = await databases(shared, rows, `${rows}; UPDATE parted SET v = -v WHERE id BETWEEN 4990 AND 5010`);
    const run = await cli('verify', '--from', db.source, '--to', db.target, '--jobs', '4');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /│ ✗ │ public\.parted\s+│ 10,000\s+│ 10,000\s+│ 21 row\(s\) differ/);
  });

  it('case 15: showing a row with a 5 MB value does not load the value', async () => {
    const shared = 'CREATE TABLE docs (id int PRIMARY KEY, body text, blob bytea)';
    const db = await databases(
      shared,
      "INSERT INTO docs VALUES (1, repeat('x', 5000000), decode(repeat('ab', 3000000), 'hex'))",
      "INSERT INTO docs VALUES (1, repeat('x', 4999999), decode(repeat('ab', 3000000), 'hex'))",
    );
    const result = await verify({ overrides: { source: db.source, target: db.target } });
    assert.equal(result.status, 'different');
    const shown = result.status === 'different' ? result.tables.find((t) => t.table === 'public.docs')!.differences[0]! : undefined;
    assert.equal(shown?.kind, 'different');
    assert.ok(shown.source!.length < 1000 && shown.target!.length < 1000, `shown rows of ${shown.source!.length} and ${shown.target!.length} characters`);
    assert.match(shown.source!, /^\(1,x{100}/);
  });
});
