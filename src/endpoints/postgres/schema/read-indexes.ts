/**
 * Indexes and the constraints backed by one (primary key, unique, exclusion), including partitions' indexes
 * that attach to a partitioned table's index, the way pg_dump rebuilds them.
 */
import type { ConstraintStructure } from '../../../model/constraint-structure.js';
import type { IndexStructure } from '../../../model/index-structure.js';
import type { IndexDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';
import { constraintStructureJson, indexStructureJson } from './structure-sql.js';

interface IndexRow {
  schema: string;
  table: string;
  name: string;
  definition: string;
  index_definition: string;
  contype: 'p' | 'u' | 'x' | null;
  attach_schema: string | null;
  attach_name: string | null;
  partitioned: boolean;
  structure: IndexStructure;
  key_constraint: ConstraintStructure | null;
}

const constraintKinds = { p: 'primary key', u: 'unique', x: 'exclusion' } as const;

/** Needs search_path = ''. */
export async function readIndexes(session: Session): Promise<IndexDef[]> {
  const rows = await runQuery<IndexRow>(
    session,
    'indexes and key constraints',
    `SELECT n.nspname AS schema, t.relname AS table, ic.relname AS name,
            CASE WHEN k.oid IS NULL THEN pg_get_indexdef(i.indexrelid) ELSE pg_get_constraintdef(k.oid) END AS definition,
            pg_get_indexdef(i.indexrelid) AS index_definition,
            k.contype, pn.nspname AS attach_schema, pc.relname AS attach_name, t.relkind = 'p' AS partitioned,
            ${indexStructureJson('i', 'ic')} AS structure,
            CASE WHEN k.oid IS NOT NULL THEN ${constraintStructureJson('k')} END AS key_constraint
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x')
       LEFT JOIN pg_inherits pi ON pi.inhrelid = i.indexrelid
       LEFT JOIN pg_class pc ON pc.oid = pi.inhparent
       LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
      WHERE t.relkind IN ('r', 'p', 'm') AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 't.oid')}
      ORDER BY 1, 2, 3`,
  );
  return rows.map((r) => ({
    table: { schema: r.schema, name: r.table },
    name: r.name,
    definition: r.definition,
    indexDefinition: r.index_definition,
    constraint: r.contype ? constraintKinds[r.contype] : null,
    structure: r.structure,
    keyConstraint: r.key_constraint,
    attachTo: r.attach_name ? { schema: r.attach_schema!, name: r.attach_name } : null,
    onPartitionedTable: r.partitioned,
  }));
}
