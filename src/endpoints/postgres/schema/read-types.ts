/** Enum, domain, composite and range types of user schemas, from the catalogs. */
import type { Grant, TypeDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { collationName, grantsJson, isNotExtensionMember, isUserSchema } from '../sql.js';
import { ownedObject } from './owned-object.js';

interface TypeRow {
  oid: number;
  schema: string;
  name: string;
  owner: string;
  typtype: 'e' | 'd' | 'c' | 'r';
  grants: Grant[] | null;
  labels: string[] | null;
  base_type: string | null;
  collation: string | null;
  default_value: string | null;
  not_null: boolean;
  checks: { name: string; definition: string; validated: boolean }[] | null;
  attributes: { name: string; type: string; collation: string | null }[] | null;
  range_options: string[] | null;
}

/** Needs search_path = '' on the session so every name comes out schema-qualified. */
export async function readTypes(session: Session): Promise<TypeDef[]> {
  const rows = await runQuery<TypeRow>(
    session,
    'user-defined types',
    `SELECT t.oid::int AS oid, n.nspname AS schema, t.typname AS name, pg_get_userbyid(t.typowner) AS owner, t.typtype,
            ${grantsJson('t.typacl', 't.typowner')} AS grants,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels,
            CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
            CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> (SELECT bt.typcollation FROM pg_type bt WHERE bt.oid = t.typbasetype)
                 THEN ${collationName('t.typcollation')} END AS collation,
            t.typdefault AS default_value, t.typnotnull AS not_null,
            (SELECT json_agg(json_build_object('name', c.conname, 'definition', pg_get_constraintdef(c.oid), 'validated', c.convalidated) ORDER BY c.conname)
               FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c') AS checks,
            (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                                               'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation
                                                                 THEN ${collationName('a.attcollation')} END) ORDER BY a.attnum)
               FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
              WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) AS attributes,
            (SELECT array_remove(ARRAY[
                      'SUBTYPE = ' || format_type(r.rngsubtype, NULL),
                      CASE WHEN NOT oc.opcdefault THEN 'SUBTYPE_OPCLASS = ' || quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) END,
                      CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN 'COLLATION = ' || ${collationName('r.rngcollation')} END,
                      CASE WHEN r.rngcanonical <> 0 THEN 'CANONICAL = ' || r.rngcanonical::regproc::text END,
                      CASE WHEN r.rngsubdiff <> 0 THEN 'SUBTYPE_DIFF = ' || r.rngsubdiff::regproc::text END], NULL)
               FROM pg_range r JOIN pg_opclass oc ON oc.oid = r.rngsubopc JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
               JOIN pg_type st ON st.oid = r.rngsubtype
              WHERE r.rngtypid = t.oid) AS range_options
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_type', 't.oid')}
        AND (t.typtype IN ('e', 'd', 'r')
             OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
      ORDER BY 2, 3`,
  );
  return rows.map((r) => {
    const base = { kind: 'type' as const, ...ownedObject(r, 'type') };
    switch (r.typtype) {
      case 'e':
        return { ...base, variant: 'enum' as const, labels: r.labels ?? [] };
      case 'd':
        return {
          ...base,
          variant: 'domain' as const,
          baseType: r.base_type!,
          collation: r.collation,
          defaultValue: r.default_value,
          notNull: r.not_null,
          checks: r.checks ?? [],
        };
      case 'c':
        return { ...base, variant: 'composite' as const, attributes: r.attributes ?? [] };
      case 'r':
        return { ...base, variant: 'range' as const, options: r.range_options ?? [] };
    }
  });
}
