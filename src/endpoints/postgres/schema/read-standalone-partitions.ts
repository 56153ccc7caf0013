/**
 * Partitions whose columns stand in another order than their parent's: a table created on its own (or with dropped
 * columns) and then attached. PARTITION OF would give them the parent's order, so they are recreated the same way.
 */
import type { CheckDef, ColumnDef } from '../../../model/schema-model.js';
import { groupBy } from '../../../model/group-by.js';
import { runQuery, type Session } from '../run-query.js';
import { collationName, isNotExtensionMember, isUserSchema } from '../sql.js';

interface PartitionColumnRow {
  schema: string;
  table: string;
  name: string;
  type: string;
  not_null: boolean;
  default_value: string | null;
  collation: string | null;
  generated: '' | 's' | 'v';
  inherited_checks: CheckDef[] | null;
}

function columnNames(relation: string): string {
  return `(SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = ${relation} AND a.attnum > 0 AND NOT a.attisdropped)`;
}

/** Needs search_path = ''. Returns JSON [schema, name] → the partition's columns in its own order and its inherited CHECKs. */
export async function readStandalonePartitions(
  session: Session,
): Promise<Map<string, { columns: ColumnDef[]; inheritedChecks: CheckDef[] }>> {
  const rows = await runQuery<PartitionColumnRow>(
    session,
    'partitions whose column order differs from their parent',
    `SELECT n.nspname AS schema, c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_value,
            CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN ${collationName('a.attcollation')} END AS collation,
            a.attgenerated AS generated,
            (SELECT json_agg(json_build_object('name', k.conname, 'definition', pg_get_constraintdef(k.oid), 'validated', k.convalidated) ORDER BY k.conname)
               FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c' AND NOT k.conislocal AND k.convalidated) AS inherited_checks
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_inherits i ON i.inhrelid = c.oid
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.relispartition AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
        AND ${columnNames('c.oid')} IS DISTINCT FROM ${columnNames('i.inhparent')}
      ORDER BY 1, 2, a.attnum`,
  );
  const byPartition = groupBy(rows, (r) => JSON.stringify([r.schema, r.table]));
  return new Map(
    [...byPartition].map(([partition, columns]) => [
      partition,
      {
        columns: columns.map((c) => ({
          name: c.name,
          type: c.type,
          notNull: c.not_null,
          defaultValue: c.generated === '' ? c.default_value : null,
          collation: c.collation,
          identity: null,
          generated: c.generated === '' || c.default_value === null ? null : { expression: c.default_value, kind: c.generated === 's' ? 'stored' : 'virtual' },
        })),
        inheritedChecks: columns[0]!.inherited_checks ?? [],
      },
    ]),
  );
}
