/** Issue 8 case 2: verify's row hash, computed by the servers, never makes two rows that differ in one value alike. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { readTableShape, rowHash } from '../src/endpoints/postgres/verify/table-shape.js';
import { normalizeSession } from '../src/endpoints/postgres/verify/verify-session.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

/** Every kind of column verify hashes: the natively hashed types, and some of those hashed through their text. */
const columns: ReadonlyArray<{ name: string; type: string; values: readonly string[]; random: (r: () => number) => string }> = [
  { name: 'i2', type: 'int2', values: ['0', '1', '-1', '32767', '-32768'], random: (r) => String(Math.floor(r() * 65536) - 32768) },
  { name: 'i4', type: 'int4', values: ['0', '1', '-1', '2147483647', '-2147483648'], random: (r) => String(Math.floor(r() * 2 ** 32) - 2 ** 31) },
  { name: 'i8', type: 'int8', values: ['0', '1', '-1', '9223372036854775807', '-9223372036854775808'], random: (r) => String(BigInt(Math.floor(r() * 2 ** 53)) * 1024n - 2n ** 62n) },
  {
    name: 'num', type: 'numeric',
    values: ["'0'", "'0.0'", "'0.00'", "'1'", "'1.0'", "'1.00'", "'-1'", "'NaN'", "'Infinity'", "'-Infinity'", "'1e100'", "'0.000001'", "'100'", "'1e2'"],
    random: (r) => `'${(r() * 2000 - 1000).toFixed(Math.floor(r() * 4))}'`,
  },
  { name: 'dnum', type: 'money_amount', values: ["'1.0'", "'1.00'", "'NaN'", "'0'"], random: (r) => `'${(r() * 100).toFixed(Math.floor(r() * 3))}'` },
  {
    name: 'f4', type: 'float4', values: ["'0'", "'-0'", "'1'", "'-1'", "'NaN'", "'Infinity'", "'-Infinity'", "'1.5'", "'3.4e38'", "'1e-45'"],
    random: (r) => `'${Math.fround(r() * 1e6 - 5e5)}'`,
  },
  {
    name: 'f8', type: 'float8', values: ["'0'", "'-0'", "'1'", "'-1'", "'NaN'", "'Infinity'", "'-Infinity'", "'0.1'", "'1.7976931348623157e308'", "'5e-324'"],
    random: (r) => `'${r() * 1e9 - 5e8}'`,
  },
  { name: 'txt', type: 'text', values: ["''", "' '", "'a'", "'A'", "'NULL'", "'\\N'", "'é'", "'a b'"], random: (r) => `'${r().toString(36).slice(2, 2 + Math.floor(r() * 8))}'` },
  { name: 'vc', type: 'varchar(20)', values: ["''", "'0'", "'x'"], random: (r) => `'${r().toString(36).slice(2, 10)}'` },
  {
    name: 'uid', type: 'uuid', values: ["'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'"],
    random: (r) => `'${Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')}'`,
  },
  {
    name: 'doc', type: 'jsonb',
    values: ["'{}'", "'[]'", "'null'", "'\"\"'", "'0'", "'1'", "'1.0'", "'[1]'", "'[[1]]'", "'{\"a\":1}'", "'{\"a\":[1]}'", "'[\"a\",\"b\"]'", "'{\"a\":\"b\"}'", "'true'", "'[{}]'", "'[[]]'"],
    random: (r) => `'{"k":${Math.floor(r() * 100)},"v":[${Math.floor(r() * 10)}]}'`,
  },
  {
    name: 'ts', type: 'timestamp', values: ["'2000-01-01'", "'1970-01-01'", "'infinity'", "'-infinity'"],
    random: (r) => `'${new Date(Math.floor(r() * 4e12)).toISOString().replace('Z', '')}'`,
  },
  {
    name: 'tstz', type: 'timestamptz', values: ["'2000-01-01 00:00+00'", "'2000-01-01 00:00+01'", "'infinity'", "'-infinity'"],
    random: (r) => `'${new Date(Math.floor(r() * 4e12)).toISOString()}'`,
  },
  { name: 'flag', type: 'bool', values: ['true', 'false'], random: (r) => String(r() < 0.5) },
  { name: 'day', type: 'date', values: ["'2000-01-01'", "'infinity'", "'-infinity'"], random: (r) => `'${new Date(Math.floor(r() * 4e12)).toISOString().slice(0, 10)}'` },
  { name: 'bin', type: 'bytea', values: ["'\\x'", "'\\x00'", "'\\x0000'"], random: (r) => `'\\x${Math.floor(r() * 2 ** 32).toString(16).padStart(8, '0')}'` },
  { name: 'span', type: 'interval', values: ["'0'", "'1 day'", "'24 hours'", "'1 mon'", "'30 days'"], random: (r) => `'${Math.floor(r() * 1000)} minutes'` },
  { name: 'js', type: 'json', values: ["'{}'", "'{ }'", "'[]'", "'null'"], random: (r) => `'[${Math.floor(r() * 100)}]'` },
  { name: 'arr', type: 'int4[]', values: ["'{}'", "'{NULL}'", "'{0}'", "'{{1}}'", "'{1}'"], random: (r) => `'{${Math.floor(r() * 100)},${Math.floor(r() * 100)}}'` },
  { name: 'mood', type: 'verify_row_hash_mood', values: ["'sad'", "'ok'"], random: (r) => (r() < 0.5 ? "'sad'" : "'ok'") },
  { name: 'pair', type: 'verify_row_hash_pair', values: ["'(,)'", "'(0,)'", "'(,\"\")'", "'(0,\"\")'"], random: (r) => `'(${Math.floor(r() * 9)},x)'` },
];

const schemaSql = `
  CREATE TYPE verify_row_hash_mood AS ENUM ('sad', 'ok');
  CREATE TYPE verify_row_hash_pair AS (n int4, s text);
  CREATE DOMAIN money_amount AS numeric;
  CREATE TABLE rows (id int4 PRIMARY KEY, ${columns.map((c) => `${c.name} ${c.type}`).join(', ')})`;

/** A small seeded generator (mulberry32), so a failing seed reproduces. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows as SQL value lists: for each column, one row per special value (NULL included) on a base row; then random pairs. */
function fixtureRows(seed: number, randomPairs: number): string[][] {
  const base = columns.map((c) => c.values[0]!);
  const rows: string[][] = [];
  columns.forEach((column, i) => {
    for (const value of ['NULL', ...column.values]) rows.push(base.map((b, j) => (j === i ? value : b)));
  });
  const random = generator(seed);
  const pick = (c: (typeof columns)[number]) => (random() < 0.15 ? 'NULL' : random() < 0.4 ? c.values[Math.floor(random() * c.values.length)]! : c.random(random));
  for (let n = 0; n < randomPairs; n++) {
    const row = columns.map(pick);
    const changed = Math.floor(random() * columns.length);
    rows.push(row, row.map((v, j) => (j === changed ? pick(columns[j]!) : v)));
  }
  return rows;
}

/** Each row's hash as verify computes it (keyed by id), and each column's text as an independent oracle of what differs. */
async function hashes(url: string, rows: string[][]): Promise<{ hash: Map<number, string>; texts: Map<number, Array<string | null>> }> {
  return withClient(url, async (client) => {
    const values = rows.map((row, id) => `(${id}, ${row.join(', ')})`).join(',\n');
    await client.query(`INSERT INTO rows VALUES ${values}`);
    const session = { client, label: 'test' };
    await normalizeSession(session);
    const shape = await readTableShape(session, 'public', 'rows');
    const hashed = { ...shape, columns: shape.columns.slice(1), columnTypes: shape.columnTypes.slice(1) };
    const result = await client.query<{ id: number; hash: string; texts: Array<string | null> }>(
      `SELECT id, (${rowHash(hashed)})::text AS hash, ARRAY[${columns.map((c) => `t.${c.name}::text`).join(', ')}] AS texts FROM public.rows t`,
    );
    return { hash: new Map(result.rows.map((r) => [r.id, r.hash])), texts: new Map(result.rows.map((r) => [r.id, r.texts])) };
  });
}

const differingColumns = (a: Array<string | null>, b: Array<string | null>) => a.flatMap((v, i) => (v !== b[i] ? [columns[i]!.name] : []));

describe('case 2: the row hash never makes rows that differ in one value alike', () => {
  const seed = Number(process.env.PGFERRY_HASH_SEED ?? 20240608);
  const rows = fixtureRows(seed, 400);
  const computed = new Map<number, Awaited<ReturnType<typeof hashes>>>();

  before(async () => {
    for (const major of [14, 17]) computed.set(major, await hashes((await freshDatabase(await testServer(major), schemaSql)).url, rows));
  });

  for (const major of [14, 17]) {
    it(`case 2: on ${major}, NULL, 0 / -0, NaN / ±Infinity, 1.0 / 1.00, '{}' / '[]' and every other special value of each type hash apart`, () => {
      const { hash, texts } = computed.get(major)!;
      let pairs = 0;
      let id = 0;
      for (const column of columns) {
        const ids = Array.from({ length: column.values.length + 1 }, () => id++);
        for (const a of ids) {
          for (const b of ids.filter((x) => x > a)) {
            // Values the server prints alike are the same value to an application ('{ }' and '{}' as jsonb would be).
            if (differingColumns(texts.get(a)!, texts.get(b)!).length === 0) continue;
            pairs += 1;
            assert.notEqual(hash.get(a), hash.get(b), `${column.type}: ${texts.get(a)![columns.indexOf(column)]} and ${texts.get(b)![columns.indexOf(column)]} hash alike`);
          }
        }
      }
      assert.ok(pairs > 150, `only ${pairs} pairs compared`);
    });

    it(`case 2: on ${major}, random pairs of rows differing in exactly one value (seed ${seed}) never hash alike`, () => {
      const { hash, texts } = computed.get(major)!;
      const first = columns.reduce((n, c) => n + c.values.length + 1, 0);
      let pairs = 0;
      for (let a = first; a < rows.length; a += 2) {
        const differing = differingColumns(texts.get(a)!, texts.get(a + 1)!);
        if (differing.length === 0) continue;
        assert.equal(differing.length, 1);
        pairs += 1;
        assert.notEqual(hash.get(a), hash.get(a + 1), `rows ${a} and ${a + 1} differ in ${differing[0]} yet hash alike (seed ${seed})`);
      }
      assert.ok(pairs > 300, `only ${pairs} pairs differed`);
    });
  }

  it('case 2: equal rows hash alike on 14 and on 17', () => {
    const [a, b] = [computed.get(14)!, computed.get(17)!];
    assert.equal(a.hash.size, rows.length);
    for (const [id, hash] of a.hash) assert.equal(b.hash.get(id), hash, `row ${id}: ${JSON.stringify(a.texts.get(id))}`);
  });
});
