/** Sequences of user schemas with their options and owning column; identity sequences are marked as such. */
import type { Grant, QualifiedName, SequenceDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { grantsJson, isNotExtensionMember, isUserSchema } from '../sql.js';
import { ownedObject } from './owned-object.js';

interface SequenceRow {
  oid: number;
  schema: string;
  name: string;
  owner: string;
  grants: Grant[] | null;
  data_type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  owned_by: { schema: string; name: string; column: string; identity: boolean } | null;
}

export interface SequenceRead extends SequenceDef {
  /** Belongs to an identity column: created by the table, not on its own. */
  readonly identityOf: (QualifiedName & { readonly column: string }) | null;
}

export async function readSequences(session: Session): Promise<SequenceRead[]> {
  const rows = await runQuery<SequenceRow>(
    session,
    'sequences and their options',
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner,
            ${grantsJson('c.relacl', 'c.relowner')} AS grants,
            format_type(s.seqtypid, NULL) AS data_type, s.seqstart::text AS start, s.seqincrement::text AS increment,
            s.seqmin::text AS min, s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle,
            (SELECT json_build_object('schema', tn.nspname, 'name', t.relname, 'column', a.attname, 'identity', d.deptype = 'i')
               FROM pg_depend d
               JOIN pg_class t ON t.oid = d.refobjid
               JOIN pg_namespace tn ON tn.oid = t.relnamespace
               JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
              LIMIT 1) AS owned_by
       FROM pg_sequence s
       JOIN pg_class c ON c.oid = s.seqrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 2, 3`,
  );
  return rows.map((r) => ({
    kind: 'sequence',
    ...ownedObject(r, 'class'),
    dataType: r.data_type,
    start: r.start,
    increment: r.increment,
    min: r.min,
    max: r.max,
    cache: r.cache,
    cycle: r.cycle,
    ownedBy: r.owned_by && !r.owned_by.identity ? { table: { schema: r.owned_by.schema, name: r.owned_by.name }, column: r.owned_by.column } : null,
    identityOf: r.owned_by?.identity ? { schema: r.owned_by.schema, name: r.owned_by.name, column: r.owned_by.column } : null,
  }));
}
