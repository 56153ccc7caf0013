import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cli, type CliRun } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

/** One value of every built-in type a column can have; `binary` marks the ones that may travel in binary COPY. */
const builtIn: ReadonlyArray<readonly [type: string, literal: string, binary?: true]> = [
  ['bool', `true`, true], ['bytea', `'\\x00ff10'`, true], ['"char"', `'x'`, true], ['name', `'a name'`, true],
  ['int2', `'-32768'`, true], ['int4', `2147483647`, true], ['int8', `'-9223372036854775808'`, true], ['oid', `4294967295`, true],
  ['text', `E'tab\\there ünïcode €'`, true], ['varchar(20)', `'v'`, true], ['char(5)', `'ab'`, true],
  ['json', `'{"b":1, "a":[1,2]}'`, true], ['jsonb', `'{"b":1,"a":[1,2.50]}'`, true], ['jsonpath', `'$.a[*] ? (@ > 1)'`],
  ['xml', `'<?xml version="1.0" standalone="yes"?><doc a="1">x</doc>'`],
  ['point', `'(1.5,2)'`, true], ['lseg', `'[(0,0),(1,1)]'`, true], ['path', `'[(0,0),(1,1),(2,0)]'`, true], ['box', `'(1,1),(0,0)'`, true],
  ['polygon', `'((0,0),(1,1),(1,0))'`, true], ['line', `'{1,-1,0}'`, true], ['circle', `'<(0,0),2>'`, true],
  ['float4', `'0.1'`, true], ['float8', `'0.30000000000000004'`, true], ['money', `'12345.67'`],
  ['macaddr', `'08:00:2b:01:02:03'`, true], ['macaddr8', `'08:00:2b:01:02:03:04:05'`, true], ['inet', `'192.168.1.5/24'`, true], ['cidr', `'10.0.0.0/8'`, true],
  ['date', `'2024-03-01'`, true], ['time', `'13:14:15.123456'`, true], ['timetz', `'13:14:15+05:30'`, true],
  ['timestamp', `'2024-03-01 13:14:15.123456'`, true], ['timestamptz', `'2024-03-01 13:14:15.123456+05:30'`, true],
  ['interval', `'1 year 2 mons 3 days 04:05:06.789'`, true], ['bit(3)', `B'101'`, true], ['varbit', `B'10110'`, true],
  ['numeric', `'123456789012345678901234567890.123456789'`, true], ['numeric(5,2)', `'NaN'`, true], ['uuid', `'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'`, true],
  ['pg_lsn', `'16/B374D848'`, true], ['tsvector', `'a:1A fat:2 rat:3'`, true], ['tsquery', `''`], ['tsquery', `'fat & (rat | cat)'`],
  ['txid_snapshot', `'10:20:10,14,15'`], ['pg_snapshot', `'10:20:10,14,15'`],
  ['regclass', `'app.things'`], ['regtype', `'app.mood'`], ['regproc', `'app.double_it'`], ['regprocedure', `'app.double_it(integer)'`],
  ['regoper', `'||/'`], ['regoperator', `'+(integer,integer)'`], ['regconfig', `'english'`], ['regdictionary', `'simple'`],
  ['regnamespace', `'app'`], ['regrole', `'pg_monitor'`], ['regcollation', `'"C"'`], ['aclitem', `format('%I=r/%I', current_user, current_user)`],
  ['refcursor', `'cur'`], ['int2vector', `'1 2'`], ['oidvector', `'1 2'`],
  ['int4range', `'[1,5)'`, true], ['int8range', `'[1,9223372036854775807)'`, true], ['numrange', `'(1.5,2.5]'`, true],
  ['daterange', `'[2024-01-01,2024-02-01)'`, true], ['tsrange', `'[2024-01-01 10:00,2024-01-01 11:00)'`, true],
  ['tstzrange', `'[2024-01-01 10:00+02,infinity)'`, true], ['int4multirange', `'{[1,3),[5,7)}'`, true], ['int8multirange', `'{[1,3)}'`, true],
  ['nummultirange', `'{(1.5,2.5]}'`, true], ['datemultirange', `'{[2024-01-01,2024-02-01)}'`, true],
  ['tsmultirange', `'{[2024-01-01,2024-01-02)}'`, true], ['tstzmultirange', `'{[2024-01-01 00:00+00,2024-01-02 00:00+00)}'`, true],
  ['int4[]', `'{1,NULL,3}'`, true], ['text[]', `'{"a b",NULL,"NULL"}'`, true], ['date[]', `'{2024-03-01}'`, true],
  ['app.mood', `'happy'`, true], ['app.mood[]', `'{happy,sad}'`], ['app.positive', `5`, true], ['app.pair', `'(1,"x y")'`], ['app.pair[]', `'{"(1,a)"}'`],
];

/** Contrib types, each in its own table so a missing extension only skips its own. */
const contrib: ReadonlyArray<readonly [extension: string, type: string, literal: string]> = [
  ['isn', 'isbn13', `'978-0-393-04002-9'`], ['isn', 'ean13', `'0036000291452'`], ['seg', 'seg', `'1.5 .. 2.5'`],
  ['cube', 'cube', `'(1,2),(3,4)'`], ['ltree', 'ltree', `'a.b.c'`], ['hstore', 'hstore', `'"a"=>"1", "b"=>NULL'`],
  ['citext', 'citext', `'MiXeD'`], ['intarray', 'query_int', `'1&(2|3)'`],
];

function typeTable(name: string, types: ReadonlyArray<readonly [string, string, true?]>): string {
  const columns = types.map(([type], i) => `c${i} ${type}`).join(', ');
  const values = types.map(([type, literal]) => `${literal}::${type}`).join(', ');
  return `CREATE TABLE app.${name} (id int PRIMARY KEY, ${columns});
          INSERT INTO app.${name} VALUES (1, ${values}), (2${', NULL'.repeat(types.length)});`;
}

const baseSql = `
  CREATE SCHEMA app;
  CREATE TYPE app.mood AS ENUM ('sad', 'happy');
  CREATE DOMAIN app.positive AS int CHECK (VALUE > 0);
  CREATE TYPE app.pair AS (n int, s text);
  CREATE TABLE app.things (id int);
  CREATE FUNCTION app.double_it(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
`;

const everyTypeSql = `
  ${typeTable('every_type', builtIn)}
  ${typeTable('binary_types', builtIn.filter(([, , binary]) => binary))}
`;

/** Case 3: dates, floats, intervals and bytea in a table that goes as text (it has an array of an enum). */
const textySql = `
  CREATE TABLE app.texty (id int PRIMARY KEY, d date, f float8, i interval, b bytea, ts timestamptz, m money, moods app.mood[]);
  INSERT INTO app.texty VALUES (1, '2024-03-01', 0.1::float8 + 0.2::float8, '1 day 02:03:04.5', '\\x00ff', '2024-03-01 23:30:00+00', 12.34, '{happy}'),
                               (2, '1999-12-31', 1e-310, '-3 mons', '\\x', '1999-12-31 00:00:00+13', -0.01, '{}');
`;

/** Each column's values as text, under the same session settings on both sides, written apart from pgferry's readers. */
async function columnTexts(url: string, table: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    await c.query(`SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; SET bytea_output = 'hex';
                   SET TimeZone = 'UTC'; SET lc_monetary = 'C'; SET search_path = ''`);
    const { rows: columns } = await c.query<{ attname: string; type: string }>(
      `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [table],
    );
    const texts: Record<string, string> = {};
    for (const { attname, type } of columns) {
      const { rows } = await c.query(`SELECT string_agg(coalesce(${attname}::text, '<null>'), ' | ' ORDER BY id) AS v FROM ${table}`);
      texts[`${attname} ${type}`] = rows[0].v;
    }
    return texts;
  });
}

async function availableEverywhere(urls: string[]): Promise<Set<string>> {
  const sets = await Promise.all(
    urls.map((url) => withClient(url, async (c) => new Set((await c.query<{ name: string }>('SELECT name FROM pg_available_extensions')).rows.map((r) => r.name)))),
  );
  return new Set([...sets[0]!].filter((name) => sets.every((s) => s.has(name))));
}

/** Settings that change text output, as a database (or its role) may carry them. */
async function oddDefaults(serverUrl: string, database: string, settings: Record<string, string>): Promise<void> {
  const statements = Object.entries(settings).map(([name, value]) => `ALTER DATABASE ${database} SET ${name} = ${value}`);
  await withClient(serverUrl, (c) => c.query(statements.join('; ')));
}

const oddSource = { DateStyle: `'SQL, DMY'`, extra_float_digits: '0', IntervalStyle: 'sql_standard', bytea_output: 'escape', TimeZone: `'Pacific/Chatham'`, search_path: 'app, public' };
const oddTarget = { DateStyle: `'SQL, MDY'`, TimeZone: `'America/Caracas'`, IntervalStyle: 'iso_8601', search_path: 'app, public' };

for (const [from, to] of [[14, 17], [16, 18]] as const) {
  describe(`copy of every type and under odd session defaults, PostgreSQL ${from} → ${to}`, () => {
    const runs: Record<'texty' | 'types', { source: string; target: string; run: CliRun }> = {} as never;
    let contribTables: string[] = [];
    const skipped: string[] = [];

    before(async () => {
      const [sourceServer, targetServer] = [await testServer(from), await testServer(to)];
      const extensions = await availableEverywhere([sourceServer.url(), targetServer.url()]);
      const present = contrib.filter(([extension]) => extensions.has(extension));
      skipped.push(...contrib.filter(([extension]) => !extensions.has(extension)).map(([extension, type]) => `${extension} (${type})`));
      contribTables = present.map(([, type]) => `app.contrib_${type}`);
      const contribSql = [...new Set(present.map(([extension]) => extension))].map((e) => `CREATE EXTENSION ${e} SCHEMA public;`).join('\n') +
        present.map(([, type, literal]) => `CREATE TABLE app.contrib_${type} (id int PRIMARY KEY, v public.${type}); INSERT INTO app.contrib_${type} VALUES (1, ${literal}), (2, NULL);`).join('\n');
      for (const [name, sql] of [['texty', textySql], ['types', everyTypeSql + contribSql]] as const) {
        const source = await freshDatabase(sourceServer, baseSql + sql);
        const target = await freshDatabase(targetServer);
        await oddDefaults(sourceServer.url(), source.name, oddSource);
        await oddDefaults(targetServer.url(), target.name, oddTarget);
        const runDir = mkdtempSync(join(tmpdir(), 'pgferry-copy-types-'));
        const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', runDir, '--jobs', '2');
        runs[name] = { source: source.url, target: target.url, run };
      }
    });

    it('case 3: dates, floats, intervals, bytea and money survive a source with DateStyle SQL, DMY and extra_float_digits 0', async () => {
      const { source, target, run } = runs.texty;
      assert.deepEqual(await columnTexts(target, 'app.texty'), await columnTexts(source, 'app.texty'), run.stderr + run.stdout);
      assert.equal(run.code, 0, run.stderr + run.stdout);
    });

    it('case 4: a value of every built-in type arrives equal, as text or binary, reg* types naming the same objects', async () => {
      const { source, target, run } = runs.types;
      for (const table of ['app.every_type', 'app.binary_types']) {
        assert.deepEqual(await columnTexts(target, table), await columnTexts(source, table), `${table}\n${run.stderr}${run.stdout}`);
      }
      assert.equal(run.code, 0, run.stderr + run.stdout);
    });

    it('case 4: contrib types (isn, seg, cube, ltree, hstore, citext, intarray) arrive equal where the servers ship them', async (t) => {
      const { source, target, run } = runs.types;
      if (skipped.length > 0) t.diagnostic(`extensions not shipped by both servers, skipped: ${skipped.join(', ')}`);
      assert.ok(contribTables.length > 0, 'no contrib extension on both servers');
      for (const table of contribTables) {
        assert.deepEqual(await columnTexts(target, table), await columnTexts(source, table), `${table}\n${run.stderr}${run.stdout}`);
      }
    });
  });
}
