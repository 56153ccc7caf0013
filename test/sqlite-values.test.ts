/**
 * The value policies for a SQLite source's dynamic-typing junk (reject, null, widen, fail), run through the command
 * line on the quirky fixture's junk table. The oracle is the fixture's own labels (which cases are junk) and the
 * target read with plain queries, never pgferry's readers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';
import { junkTableSql, valueCases } from './fixtures/sqlite/quirky-values.js';
import { buildQuirkyFixture } from './fixtures/sqlite/quirky.js';
import { jsonbText } from '../src/model/sqlite/jsonb-text.js';
import type { SqliteValue } from '../src/model/sqlite/pg-text-value.js';
import { convertValue, readValue } from '../src/endpoints/sqlite/sqlite-row-pages.js';
import { suspectFlags } from '../src/endpoints/sqlite/suspect-values.js';

/** The cases the fixture labels junk: the default mapping's type does not take them. */
const junk = valueCases.filter((c) => c.pgferry.startsWith('reject by default'));
const good = valueCases.filter((c) => !junk.includes(c));

/** The junk table (one case per row, id = position + 1) and a table whose text key holds a NULL. */
function junkFile(withKeyed = true): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-values-'));
  const file = join(dir, 'app.db');
  const db = new Database(file);
  db.exec(junkTableSql);
  valueCases.forEach((c, i) => db.exec(`INSERT INTO junk (id, case_name, ${c.column}) VALUES (${i + 1}, '${c.name}', ${c.sql})`));
  if (withKeyed) db.exec("CREATE TABLE keyed (code TEXT PRIMARY KEY, v INTEGER); INSERT INTO keyed VALUES ('a', 1), (NULL, 2), ('b', 3);");
  db.close();
  return { dir, file };
}

interface RejectLine {
  readonly action: string;
  readonly table: string;
  readonly rowid: string;
  readonly column: string;
  readonly value: string;
  readonly reason: string;
}

function rejectLines(runDir: string): RejectLine[] {
  const [pair] = readdirSync(runDir).filter((d) => d.startsWith('migrate-'));
  const dir = join(runDir, pair!, 'rejects');
  return readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as RejectLine));
}

describe('SQLite value policies', () => {
  it('reject (the default): each junk row goes to the reject file with table, rowid, column, value and reason; read = loaded + rejected; verify equal except those, exit 3', async () => {
    const { dir, file } = junkFile();
    const target = await freshDatabase(await testServer(17));
    const runDir = join(dir, 'run');
    const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir, '--no-backup');
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`copy:public\\.junk: ${valueCases.length} row\\(s\\) read = ${good.length} loaded \\+ ${junk.length} rejected`));
    assert.match(run.stdout, /copy:public\.keyed: 3 row\(s\) read = 2 loaded \+ 1 rejected/);
    assert.match(run.stdout, /verified equal except what was kept out on purpose \(17 row\(s\)\)/);
    const [pair] = readdirSync(runDir).filter((d) => d.startsWith('migrate-'));
    const report = readFileSync(join(runDir, pair!, 'report.md'), 'utf8');
    assert.match(report, new RegExp(`Equal except what was kept out on purpose: 17 row\\(s\\) the value policy set aside — public\\.junk: ${junk.length} row\\(s\\); public\\.keyed: 1 row\\(s\\), in the run's reject files`));

    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ case_name: string }>('SELECT case_name FROM public.junk ORDER BY id');
      assert.deepEqual(rows.map((r) => r.case_name), good.map((c) => c.name));
      const keyed = await client.query<{ code: string }>('SELECT code FROM public.keyed ORDER BY code');
      assert.deepEqual(keyed.rows.map((r) => r.code), ['a', 'b']);
    });

    const lines = rejectLines(runDir);
    const junkLines = lines.filter((l) => l.table === 'junk');
    assert.deepEqual(
      junkLines.map((l) => [Number(l.rowid), l.column, l.action]).sort((a, b) => Number(a[0]) - Number(b[0])),
      junk.map((c) => [valueCases.indexOf(c) + 1, c.column, 'rejected']),
    );
    for (const line of junkLines) assert.ok(line.reason.length > 0 && line.value.length > 0, JSON.stringify(line));
    assert.match(junkLines.find((l) => l.column === 'body' && /61c328ff/.test(l.value))?.reason ?? '', /not valid UTF-8/);
    assert.match(junkLines.find((l) => l.column === 'name')?.reason ?? '', /30 characters, longer than varchar\(20\)/);
    assert.deepEqual(
      lines.filter((l) => l.table === 'keyed').map((l) => [l.column, l.value]),
      [['code', 'null']],
    );

    const verified = await cli('verify', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(verified.code, 3, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /EQUAL EXCEPT SET ASIDE/);
    assert.match(verified.stdout, new RegExp(`public\\.junk: ${junk.length} row\\(s\\) left out`));

    await withClient(target.url, (client) => client.query("UPDATE public.junk SET n = 7 WHERE case_name = 'integer-max-int64'"));
    const changed = await cli('verify', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(changed.code, 1, changed.stdout + changed.stderr);
    assert.match(changed.stdout, /✗\s+public\.junk\b/);
  });

  it('null: every junk value becomes NULL and is logged, the rows load; a NULL key is still rejected', async () => {
    const { dir, file } = junkFile();
    const target = await freshDatabase(await testServer(17));
    const runDir = join(dir, 'run');
    const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir, '--no-backup', '--sqlite-values', 'null');
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`VALUES_NULLED[\\s\\S]*copy:public\\.junk: ${junk.length} value\\(s\\)`));
    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ case_name: string }>('SELECT case_name FROM public.junk ORDER BY id');
      assert.deepEqual(rows.map((r) => r.case_name), valueCases.map((c) => c.name));
      for (const c of junk) {
        const { rows: value } = await client.query<{ nulled: boolean }>(`SELECT ${c.column} IS NULL AS nulled FROM public.junk WHERE case_name = $1`, [c.name]);
        assert.equal(value[0]!.nulled, true, c.name);
      }
      for (const c of good.filter((g) => g.storage !== 'null')) {
        const { rows: value } = await client.query<{ nulled: boolean }>(`SELECT ${c.column} IS NULL AS nulled FROM public.junk WHERE case_name = $1`, [c.name]);
        assert.equal(value[0]!.nulled, false, c.name);
      }
      const keyed = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM public.keyed');
      assert.equal(keyed.rows[0]!.n, '2');
    });
    const lines = rejectLines(runDir);
    assert.equal(lines.filter((l) => l.table === 'junk' && l.action === 'nulled').length, junk.length);
    assert.equal(lines.filter((l) => l.table === 'keyed' && l.action === 'rejected').length, 1);
    const verified = await cli('verify', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir, '--sqlite-values', 'null');
    assert.equal(verified.code, 3, verified.stdout + verified.stderr);
    assert.match(verified.stdout, new RegExp(`public\\.junk: ${junk.length} value\\(s\\) made NULL`));
  });

  it('widen: each column holding junk gets the narrowest type that takes its values, reported; what no type takes is still rejected', async () => {
    const { dir, file } = junkFile();
    const target = await freshDatabase(await testServer(17));
    const runDir = join(dir, 'run');
    const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir, '--no-backup', '--sqlite-values', 'widen');
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /SQLITE_TYPES_ADJUSTED[\s\S]*column junk\.n: INTEGER \(widened from bigint to text/);
    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ column_name: string; data_type: string }>(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'junk' ORDER BY ordinal_position",
      );
      assert.deepEqual(Object.fromEntries(rows.map((r) => [r.column_name, r.data_type])), {
        id: 'bigint',
        case_name: 'text',
        n: 'text',
        created: 'text',
        flag: 'text',
        body: 'bytea',
        score: 'text',
        price: 'text',
        doc: 'text',
        data: 'bytea',
        name: 'text',
      });
      // A column of numbers and text cannot take bytes: that one row is the only one left out.
      const missing = await client.query<{ name: string }>('SELECT name FROM unnest($1::text[]) AS name WHERE name NOT IN (SELECT case_name FROM public.junk)', [valueCases.map((c) => c.name)]);
      assert.deepEqual(missing.rows.map((r) => r.name), ['integer-holds-blob']);
      const body = await client.query<{ hex: string }>("SELECT encode(body, 'hex') AS hex FROM public.junk WHERE case_name = 'text-invalid-utf8'");
      assert.equal(body.rows[0]!.hex, '61c328ff', 'the original bytes, not replacement characters');
      const n = await client.query<{ n: string }>("SELECT n FROM public.junk WHERE case_name = 'integer-max-int64'");
      assert.equal(n.rows[0]!.n, '9223372036854775807');
    });
  });

  it('per-column rules in the plan win over the default: a type, and a policy, named in SQLite\'s spelling and any case', async () => {
    const { dir, file } = junkFile();
    const target = await freshDatabase(await testServer(17));
    const plan = join(dir, 'plan.yaml');
    writeFileSync(
      plan,
      ['sqlite:', '  values: fail', '  columns:', '    - { table: JUNK, column: N, type: text, values: reject }', ...['created', 'flag', 'body', 'score', 'price', 'doc', 'name'].map((c) => `    - { table: junk, column: ${c}, values: null }`), '    - { table: keyed, column: code, values: reject }'].join('\n'),
    );
    const runDir = join(dir, 'run');
    const run = await cli('migrate', '--plan', plan, '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir, '--no-backup');
    assert.equal(run.code, 3, run.stdout + run.stderr);
    await withClient(target.url, async (client) => {
      const type = await client.query<{ t: string }>("SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'junk' AND column_name = 'n'");
      assert.equal(type.rows[0]!.t, 'text');
      const n = await client.query<{ n: string }>("SELECT n FROM public.junk WHERE case_name = 'integer-holds-text'");
      assert.equal(n.rows[0]!.n, 'abc');
    });
    const lines = rejectLines(runDir);
    // n is text now, so only its blob is junk there (rejected); the other columns' junk is nulled.
    assert.deepEqual(lines.filter((l) => l.action === 'rejected').map((l) => [l.table, l.column, l.value]).sort(), [['junk', 'n', "x'01'"], ['keyed', 'code', 'null']]);
    assert.equal(lines.filter((l) => l.action === 'nulled').length, junk.filter((c) => c.column !== 'n').length);
  });

  it('fail: the first junk value fails its table with SQLITE_VALUE_REJECTED naming table, rowid and column; nothing of it is committed', async () => {
    const { dir, file } = junkFile(false);
    const target = await freshDatabase(await testServer(17));
    const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', join(dir, 'run'), '--no-backup', '--sqlite-values', 'fail');
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const first = junk[0]!;
    assert.match(run.stdout + run.stderr, new RegExp(`SQLITE_VALUE_REJECTED[\\s\\S]*table junk, rowid ${valueCases.indexOf(first) + 1}, column ${first.column}: value`));
    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM public.junk');
      assert.equal(rows[0]!.n, '0');
    });
  });
});

describe('SQLite foreign keys the target would refuse', () => {
  it('sets aside an orphan, and every row pointing at a row set aside, down a self-referencing chain; the constraints are created and validated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-fk-'));
    const file = join(dir, 'app.db');
    const db = new Database(file);
    // better-sqlite3 turns foreign keys on; SQLite's own default (and most applications') is off.
    db.pragma('foreign_keys = OFF');
    db.exec(`
      CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, created DATETIME NOT NULL);
      CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), title TEXT);
      CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts (id), reply_to INTEGER REFERENCES comments (id), body TEXT);
      INSERT INTO users VALUES (1, 'a@example.com', '2024-01-01 10:00:00'), (2, 'b@example.com', 'yesterday'), (3, 'c@example.com', '2024-01-03');
      INSERT INTO posts VALUES (10, 1, 'kept'), (11, 2, 'by the user set aside'), (12, 3, 'kept'), (13, 42, 'orphan');
      INSERT INTO comments VALUES (100, 10, NULL, 'kept'), (101, 11, NULL, 'on a post set aside'), (102, 10, 101, 'reply to a comment set aside'),
                                  (103, 10, 102, 'reply to that reply'), (104, 12, 100, 'kept reply');
    `);
    db.close();
    const target = await freshDatabase(await testServer(17));
    const runDir = join(dir, 'run');
    const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir, '--no-backup', '--jobs', '3');
    assert.equal(run.code, 3, run.stdout + run.stderr);
    await withClient(target.url, async (client) => {
      const ids = async (table: string) => (await client.query<{ id: string }>(`SELECT id::text FROM public.${table} ORDER BY id`)).rows.map((r) => Number(r.id));
      assert.deepEqual(await ids('users'), [1, 3]);
      assert.deepEqual(await ids('posts'), [10, 12]);
      assert.deepEqual(await ids('comments'), [100, 104]);
      const { rows } = await client.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_constraint WHERE contype = 'f' AND convalidated AND connamespace = 'public'::regnamespace");
      assert.equal(rows[0]!.n, '3', 'all three foreign keys exist and are validated');
    });
    const lines = rejectLines(runDir);
    const reasons = Object.fromEntries(lines.map((l) => [`${l.table} ${l.rowid}`, l.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), ['comments 101', 'comments 102', 'comments 103', 'posts 11', 'posts 13', 'users 2']);
    assert.match(reasons['posts 13']!, /references users\(id\) = \(42\), which does not exist/);
    assert.match(reasons['posts 11']!, /references a row of users that is set aside/);
    assert.match(reasons['comments 103']!, /references a row of comments that is set aside/);
    const verified = await cli('verify', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(verified.code, 3, verified.stdout + verified.stderr);
  });

  it('with the value policy null, an orphan keeps its row and loses the reference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-fk-null-'));
    const file = join(dir, 'app.db');
    const db = new Database(file);
    db.pragma('foreign_keys = OFF');
    db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));
             INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1, 1), (2, 99);`);
    db.close();
    const target = await freshDatabase(await testServer(17));
    const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', join(dir, 'run'), '--no-backup', '--sqlite-values', 'null');
    assert.equal(run.code, 3, run.stdout + run.stderr);
    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ id: string; parent_id: string | null }>('SELECT id::text, parent_id::text FROM public.child ORDER BY id');
      assert.deepEqual(rows, [{ id: '1', parent_id: '1' }, { id: '2', parent_id: null }]);
    });
  });
});

/** A SQLite file from `sql` (foreign keys off, as SQLite's default is), migrated into a fresh PostgreSQL 17. */
async function migrateSql(sql: string, ...flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-case-'));
  const file = join(dir, 'app.db');
  const db = new Database(file);
  db.pragma('foreign_keys = OFF');
  db.exec(sql);
  db.close();
  const target = await freshDatabase(await testServer(17));
  const runDir = join(dir, 'run');
  const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir, '--no-backup', ...flags);
  return { run, target, runDir, file, dir };
}

describe('SQLite rows the policies must name exactly', () => {
  it('two composite keys that print alike are two rows: only the orphan is set aside', async () => {
    const { run, target, runDir } = await migrateSql(`
      CREATE TABLE p (id INTEGER PRIMARY KEY);
      CREATE TABLE k (a TEXT, b TEXT, ref INTEGER REFERENCES p (id), PRIMARY KEY (a, b)) WITHOUT ROWID;
      INSERT INTO p VALUES (1);
      INSERT INTO k VALUES ('a, b', 'c', 99), ('a', 'b, c', 1), ('z', 'z', 1);`);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ a: string; b: string }>('SELECT a, b FROM public.k ORDER BY a, b');
      assert.deepEqual(rows, [{ a: 'a', b: 'b, c' }, { a: 'z', b: 'z' }]);
    });
    assert.deepEqual(rejectLines(runDir).map((l) => l.rowid), ['["a, b","c"]']);
  });

  it('a row pointing at a WITHOUT ROWID parent row set aside is set aside too', async () => {
    const { run, target } = await migrateSql(`
      CREATE TABLE p (code TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;
      CREATE TABLE c (id INTEGER PRIMARY KEY, code TEXT REFERENCES p (code));
      INSERT INTO p VALUES ('x', 'bad'), ('y', 2);
      INSERT INTO c VALUES (1, 'x'), (2, 'y');`);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ id: string }>('SELECT id::text FROM public.c');
      assert.deepEqual(rows, [{ id: '2' }]);
    });
  });

  it('with the policy null, every orphaned reference of a row becomes NULL, not only the last', async () => {
    const { run, target } = await migrateSql(`
      CREATE TABLE p (id INTEGER PRIMARY KEY);
      CREATE TABLE c (id INTEGER PRIMARY KEY, a INTEGER REFERENCES p (id), b INTEGER REFERENCES p (id));
      INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 98, 99), (2, 1, 1);`, '--sqlite-values', 'null');
    assert.equal(run.code, 3, run.stdout + run.stderr);
    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ id: string; a: string | null; b: string | null }>('SELECT id::text, a::text, b::text FROM public.c ORDER BY id');
      assert.deepEqual(rows, [{ id: '1', a: null, b: null }, { id: '2', a: '1', b: '1' }]);
    });
  });

  it('a number too long for a varchar(n) a plan names (in any spelling) is set aside, and verify knows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-plan-'));
    const plan = join(dir, 'plan.yaml');
    writeFileSync(plan, 'sqlite:\n  columns:\n    - { table: t, column: price, type: "varchar(10)" }\n    - { table: t, column: code, type: "character varying(3)" }\n');
    const { run, target, file, runDir } = await migrateSql(`
      CREATE TABLE t (id INTEGER PRIMARY KEY, price REAL, code TEXT);
      INSERT INTO t VALUES (1, 1.5, 'abc'), (2, 1e20, 'abc'), (3, 2.5, 'abcdef');`, '--plan', plan);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /copy:public\.t: 3 row\(s\) read = 1 loaded \+ 2 rejected/);
    const verified = await cli('verify', '--plan', plan, '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(verified.code, 3, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /public\.t: 2 row\(s\) left out/);
  });

  it('a JSON number numeric cannot hold is set aside, not a failed table', async () => {
    const { run, target } = await migrateSql(`
      CREATE TABLE j (id INTEGER PRIMARY KEY, doc JSON);
      INSERT INTO j VALUES (1, '[1e-16384]'), (2, '{"a": 1e400}');`);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ doc: string }>('SELECT doc::text FROM public.j');
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.doc, `{"a": 1${'0'.repeat(400)}}`);
    });
  });

  it('widening a key the other end of a foreign key references widens that end too', async () => {
    const { run, target } = await migrateSql(`
      CREATE TABLE p (id INTEGER PRIMARY KEY, code INT UNIQUE);
      CREATE TABLE c (id INTEGER PRIMARY KEY, ref INT REFERENCES p (code));
      INSERT INTO p VALUES (1, 1), (2, 'abc'); INSERT INTO c VALUES (1, 1), (2, 'abc');`, '--sqlite-values', 'widen');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ table_name: string; data_type: string }>(
        "SELECT table_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND column_name IN ('code', 'ref') ORDER BY table_name",
      );
      assert.deepEqual(rows.map((r) => [r.table_name, r.data_type]), [['c', 'text'], ['p', 'text']]);
    });
  });

  it('a WITHOUT ROWID key that is not UTF-8 stops the table with a message, never a silent skip', async () => {
    const { run } = await migrateSql(`
      CREATE TABLE w (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;
      INSERT INTO w VALUES ('a', 1), (CAST(x'6280' AS TEXT), 2), ('c', 3);`);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /SQLITE_READ_FAILED[\s\S]*table w: the primary key \["b\uFFFD"\] holds text that may not be valid UTF-8/);
  });
});

describe('a big SQLite table, read by a thread of its own', () => {
  for (const mode of ['delete', 'wal']) {
    it(`sends its junk to the reject file and its rows to the target as on the main thread (journal mode ${mode})`, async () => {
      const rows = 30_000;
      const { run, target, runDir, file } = await migrateSql(`
        PRAGMA journal_mode = ${mode};
        CREATE TABLE big (id INTEGER PRIMARY KEY, n INTEGER, at DATETIME, note TEXT);
        WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${rows})
        INSERT INTO big SELECT i, CASE WHEN i % 5000 = 0 THEN 'junk' ELSE i END, '2024-01-02 03:04:05', 'row ' || i || char(10) || 'é' FROM s;`);
      assert.equal(run.code, 3, run.stdout + run.stderr);
      assert.match(run.stdout, new RegExp(`copy:public\\.big: ${rows} row\\(s\\) read = ${rows - 6} loaded \\+ 6 rejected`));
      assert.match(run.stdout, /verified equal except what was kept out on purpose \(6 row\(s\)\)/);
      assert.deepEqual(rejectLines(runDir).map((l) => Number(l.rowid)).sort((a, b) => a - b), [5000, 10000, 15000, 20000, 25000, 30000]);
      await withClient(target.url, async (client) => {
        const { rows: sums } = await client.query<{ n: string; s: string; notes: string }>("SELECT count(*)::text AS n, sum(n)::text AS s, count(*) FILTER (WHERE note LIKE 'row %' || chr(10) || 'é')::text AS notes FROM public.big");
        const expected = (rows * (rows + 1)) / 2 - [5000, 10000, 15000, 20000, 25000, 30000].reduce((a, b) => a + b, 0);
        assert.deepEqual(sums[0], { n: String(rows - 6), s: String(expected), notes: String(rows - 6) });
      });
      const verified = await cli('verify', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir);
      assert.equal(verified.code, 3, verified.stdout + verified.stderr);
    });
  }
});

describe('the quirky SQLite fixture, whole', () => {
  it('migrates every schema shape and junk case with the default policy: verified equal except what was set aside or left out, each named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-quirky-'));
    const file = join(dir, 'quirky.db');
    buildQuirkyFixture(file);
    const target = await freshDatabase(await testServer(17));
    const runDir = join(dir, 'run');
    const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', runDir);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /verified equal except what was kept out on purpose/);
    // The view reads a NOCASE column, which compares otherwise in PostgreSQL: left out, with the reason.
    assert.match(run.stdout, /Left out by the mapping[^\n]*: trigger accounts_touch, view live_accounts\n/);
    assert.match(run.stdout, /view live_accounts: the view \(its SELECT uses the column email, which compares with COLLATE NOCASE in SQLite\)/);
    const lines = rejectLines(runDir);
    assert.deepEqual(
      [...new Set(lines.map((l) => l.table))].sort(),
      ['child', 'int_pk', 'junk', 'legacy_pk'],
    );
    await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ n: string }>("SELECT count(*)::text AS n FROM public.child WHERE note = 'orphan'");
      assert.equal(rows[0]!.n, '0');
      const fk = await client.query<{ def: string }>("SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'child_parent_id_fkey'");
      assert.match(fk.rows[0]!.def, /ON DELETE CASCADE/);
    });
  });
});

describe('JSON text as jsonb prints it', () => {
  const samples = [
    '{"b":1,"a":[true,null]}',
    '{"aa": 1, "b": 2, "a": 3}',
    '{"a":1,"a":2}',
    '[1e2, 1.50e1, 1E-2, -0, -0.0, 0.000, 12.340e-1, 1.0, 100, 1e0, 2.5E+3]',
    '"tab\\there \\u00e9 \\ud83d\\ude00 \\u001f"',
    '{"é": 1, "z": 2, "ab": {"y": [], "x": {}}}',
    '  42  ',
    '-12345678901234567890.123456789',
    '{"k": "line\\nbreak \\"quoted\\" back\\\\slash /"}',
  ];
  it('prints each sample exactly as PostgreSQL 17 does', async () => {
    const server = await testServer(17);
    await withClient(server.url(), async (client) => {
      for (const sample of samples) {
        const { rows } = await client.query<{ t: string }>('SELECT $1::jsonb::text AS t', [sample]);
        assert.deepEqual(jsonbText(sample), { text: rows[0]!.t }, sample);
      }
      for (const bad of ['{a:1}', '[1,]', '"\\u0000"', '01', '1.', 'NaN', '{"a":1}x']) {
        const refused = await client.query('SELECT $1::jsonb', [bad]).then(() => false, () => true);
        assert.equal(refused, true, `PostgreSQL refuses ${bad}`);
        assert.ok('rejected' in jsonbText(bad), bad);
      }
    });
  });
});

describe('the SQL that picks out rows worth converting', () => {
  it('picks every value the conversion refuses, for every type the mapping gives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-suspects-'));
    const db = new Database(join(dir, 'v.db'));
    // No declared type: SQLite keeps each value exactly as given (BLOB affinity).
    db.exec('CREATE TABLE v (id INTEGER PRIMARY KEY, x)');
    const samples = [
      ...valueCases.map((c) => c.sql),
      `'2024-02-30 10:00:00'`, `'0000-01-01 00:00:00'`, `'2024-01-01 24:00:00'`, `'2024-01-01 23:59:60'`, `'2024-01-01T10:00:00'`, `'2024-01-01'`, `'2024-13-01'`,
      `'2023-11-14 22:13:20'`, `253402300799999`, `253402300800000`, `-1`, `99999999999`, `100000000000`, `1e20`, `-0.0`, `9e999`, `'é'`, `'abcdef'`,
      `'12:30'`, `'25:00'`, `'0A0EE6B2-1F5B-4C8A-9C5D-2B3E4F5A6B7C'`, `x'0a0ee6b21f5b4c8a9c5d2b3e4f5a6b7c'`, `'{"a":1}'`, `2147483648`, `32768`, `2`, `0`, `1`, `'  '`,
    ];
    samples.forEach((sql, i) => db.exec(`INSERT INTO v VALUES (${i + 1}, ${sql})`));
    const types = ['bigint', 'integer', 'smallint', 'boolean', 'double precision', 'numeric', 'numeric(10,2)', 'text', 'varchar(5)', 'char(3)', 'bytea', 'timestamptz', 'timestamp', 'date', 'time', 'jsonb', 'json', 'uuid'];
    const table = { schema: 'public', name: 'v', sqliteName: 'v', columns: [], key: ['id'], withoutRowid: false, sqliteKey: ['id'], identity: null, foreignKeys: [] };
    const missed: string[] = [];
    for (const type of types) {
      const column = { sqliteName: 'x', name: 'x', type, generated: false, notNull: false, policy: 'reject' as const };
      const [flag] = suspectFlags([column]);
      const rows = db.prepare(`SELECT id, x, ${flag} AS suspect FROM v`).safeIntegers(true).all() as Array<{ id: bigint; x: SqliteValue; suspect: bigint }>;
      for (const row of rows) {
        const converted = convertValue(readValue(db, table, [row.id], 1, column, row.x), row.x, column);
        if ('rejected' in converted && row.suspect !== 1n) missed.push(`${type}: ${samples[Number(row.id) - 1]} (${converted.rejected})`);
      }
    }
    db.close();
    assert.deepEqual(missed, []);
  });
});
