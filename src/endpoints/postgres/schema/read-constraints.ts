/** Constraints added after the data: foreign keys, and CHECKs the source holds as NOT VALID. */
import type { ConstraintStructure } from '../../../model/constraint-structure.js';
import type { ConstraintDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';
import { constraintStructureJson } from './structure-sql.js';

interface ConstraintRow {
  schema: string;
  table: string;
  name: string;
  contype: 'f' | 'c';
  definition: string;
  validated: boolean;
  partitioned: boolean;
  references_schema: string | null;
  references_table: string | null;
  clones_validated: boolean;
  structure: ConstraintStructure;
}

/**
 * Needs search_path = ''. Constraints a partition inherits from its parent (conparentid) are left out: adding
 * the parent's creates them.
 */
export async function readConstraints(session: Session): Promise<ConstraintDef[]> {
  const rows = await runQuery<ConstraintRow>(
    session,
    'foreign keys and unvalidated checks',
    `SELECT n.nspname AS schema, t.relname AS table, k.conname AS name, k.contype, pg_get_constraintdef(k.oid) AS definition,
            k.convalidated AS validated, t.relkind = 'p' AS partitioned, rn.nspname AS references_schema, r.relname AS references_table,
            NOT EXISTS (WITH RECURSIVE clones AS (SELECT c.oid, c.convalidated FROM pg_constraint c WHERE c.conparentid = k.oid
                                                  UNION ALL
                                                  SELECT c.oid, c.convalidated FROM pg_constraint c JOIN clones ON c.conparentid = clones.oid)
                        SELECT 1 FROM clones WHERE NOT clones.convalidated) AS clones_validated,
            ${constraintStructureJson('k')} AS structure
       FROM pg_constraint k
       JOIN pg_class t ON t.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_class r ON r.oid = k.confrelid
       LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
      WHERE (k.contype = 'f' OR (k.contype = 'c' AND NOT k.convalidated AND k.conislocal))
        AND k.conparentid = 0
        AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 't.oid')}
      ORDER BY 1, 2, 3`,
  );
  return rows.map((r) => ({
    table: { schema: r.schema, name: r.table },
    name: r.name,
    kind: r.contype === 'f' ? 'foreign key' : 'check',
    definition: r.definition,
    validated: r.validated,
    onPartitionedTable: r.partitioned,
    references: r.references_table ? { schema: r.references_schema!, name: r.references_table } : null,
    ...(r.contype === 'f' ? { clonesValidated: r.clones_validated } : {}),
    structure: r.structure,
  }));
}
