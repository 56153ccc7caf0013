/**
 * Verification's reads on a SQLite file. SQLite cannot hash rows itself (no serverDigests): verify hashes here the
 * rows this reader hands over, each value the same converted text the copy sent, so an INTEGER 1 and a target's
 * true, or DATETIME text and a timestamptz, compare equal.
 */
import type Database from 'better-sqlite3';
import { PgferryError } from '../../errors/pgferry-error.js';
import type { TableShape } from '../../model/verify/table-shape.js';
import type { VerifyReader } from '../endpoint.js';
import { convertedRows } from './sqlite-row-pages.js';
import { readSqliteSequenceValues } from './sqlite-sequences.js';
import { countSqliteRows, sqliteTableFacts } from './sqlite-inventory.js';
import type { SqliteSourceTable } from './sqlite-source-tables.js';
import type { SetAsideSource } from './set-aside-source.js';

/** pg_type.typname of each type the SQLite mapping gives a column, as a PostgreSQL end's shape names it. */
export function typeName(type: string): string {
  const base = type.replace(/\(.*$/, '');
  const names: Record<string, string> = {
    bigint: 'int8',
    integer: 'int4',
    smallint: 'int2',
    boolean: 'bool',
    'double precision': 'float8',
    real: 'float4',
    char: 'bpchar',
    timestamptz: 'timestamptz',
    timestamp: 'timestamp',
  };
  return names[base] ?? base;
}

/**
 * `tally` (the endpoint's, shared by every reader) leaves out the rows the value policy sets aside: verify compares
 * the rows the copy loaded, and reports what was kept out.
 */
export function sqliteVerifyReader(db: Database.Database, tables: readonly SqliteSourceTable[], tally: SetAsideSource): VerifyReader {
  const byName = new Map(tables.map((t) => [`${t.schema}.${t.name}`, t]));
  const tableOf = (shape: { schema: string; name: string }) => byName.get(`${shape.schema}.${shape.name}`);
  const onServer = async (): Promise<never> => {
    throw new PgferryError('INTERNAL', 'a SQLite source was asked for digests it cannot compute; verify hashes its rows on the client', { hint: 'Report this as a bug.' });
  };
  return {
    listTables: async () => sqliteTableFacts(db, tables),
    countRows: async (table) => {
      const found = tableOf(table);
      return found ? countSqliteRows(db, found) - (await tally.of(found)).rows : 0;
    },
    setAside: async () => {
      for (const table of tables) await tally.of(table);
      return tally.counted();
    },
    encoding: async () => 'UTF8',
    tableShapes: async (wanted) =>
      new Map(
        wanted.map((w) => {
          const t = tableOf(w);
          const shape: TableShape = { schema: w.schema, name: w.name, columns: t?.columns.map((c) => c.name) ?? [], columnTypes: t?.columns.map((c) => typeName(c.type)) ?? [], key: t?.key ?? [] };
          return [`${w.schema}.${w.name}`, shape];
        }),
      ),
    // Without chunk keys every table is compared whole, its differing rows found by hash buckets.
    chunkKey: async () => null,
    digests: onServer,
    rowHashes: onServer,
    bucketDigests: onServer,
    bucketRowHashes: onServer,
    rowValues: (shape) => {
      const table = tableOf(shape);
      if (!table) return (async function* () {})();
      // Every copied column decides whether the row was loaded; generated ones are compared only.
      const copied = table.columns.filter((c) => !c.generated);
      const read = [...copied, ...table.columns.filter((c) => c.generated).map((c) => ({ ...c, policy: 'fail' as const }))];
      const at = shape.columns.map((name) => read.findIndex((c) => c.name === name));
      return (async function* () {
        for await (const row of convertedRows(db, table, read, () => undefined, await tally.relational(table))) yield at.map((i) => row[i] ?? null);
      })();
    },
    rowTexts: onServer,
    sequenceValues: async () => readSqliteSequenceValues(db, tables),
    largeObjectStates: async () => [],
    countLargeObjects: async () => 0,
    close: async () => undefined,
  };
}
