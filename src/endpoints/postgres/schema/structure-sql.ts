/**
 * SQL expressions that read an index's or a constraint's structure as JSON shaped like the model's IndexStructure
 * and ConstraintStructure. Columns a major lacks (indnullsnotdistinct and confdelsetcols before 15) are read
 * through to_jsonb, so the same query runs on every supported major.
 */
import { collationName } from '../sql.js';

/** JSON array of the names of `relation`'s columns numbered in `numbers` (an int2[] expression), in that order. */
function columnNames(relation: string, numbers: string): string {
  return `(SELECT coalesce(json_agg(a.attname ORDER BY u.n), '[]'::json)
             FROM unnest(${numbers}) WITH ORDINALITY u(attnum, n)
             JOIN pg_attribute a ON a.attrelid = ${relation} AND a.attnum = u.attnum)`;
}

const qualifiedOpclass = `quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname)`;

/** `i` is the pg_index row, `ic` the index's pg_class row. */
export function indexStructureJson(i: string, ic: string): string {
  // indoption bits: 1 DESC, 2 NULLS FIRST; NULLS FIRST is the default for DESC only.
  const keys = `(SELECT coalesce(json_agg(json_build_object(
                    'column', CASE WHEN k.attnum <> 0 THEN ta.attname END,
                    'expression', CASE WHEN k.attnum = 0 THEN pg_get_indexdef(${i}.indexrelid, k.n::int, true) END,
                    'opclass', CASE WHEN NOT oc.opcdefault THEN ${qualifiedOpclass} END,
                    'opclassOptions', coalesce(array_to_json(ia.attoptions), '[]'::json),
                    'collation', CASE WHEN k.coll <> 0 AND k.coll <> CASE WHEN k.attnum <> 0 THEN ta.attcollation ELSE 100 END
                                      THEN ${collationName('k.coll')} END,
                    'descending', (k.opt & 1) <> 0,
                    'nulls', CASE WHEN ((k.opt & 1) <> 0) <> ((k.opt & 2) <> 0) THEN CASE WHEN (k.opt & 2) <> 0 THEN 'first' ELSE 'last' END END)
                  ORDER BY k.n), '[]'::json)
                FROM unnest(${i}.indkey::int2[], ${i}.indclass::oid[], ${i}.indcollation::oid[], ${i}.indoption::int2[])
                     WITH ORDINALITY k(attnum, class, coll, opt, n)
                JOIN pg_opclass oc ON oc.oid = k.class
                JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
                JOIN pg_attribute ia ON ia.attrelid = ${i}.indexrelid AND ia.attnum = k.n
                LEFT JOIN pg_attribute ta ON ta.attrelid = ${i}.indrelid AND ta.attnum = k.attnum AND k.attnum <> 0
               WHERE k.n <= ${i}.indnkeyatts)`;
  const include = `(SELECT coalesce(json_agg(a.attname ORDER BY u.n), '[]'::json)
                      FROM unnest(${i}.indkey::int2[]) WITH ORDINALITY u(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = ${i}.indrelid AND a.attnum = u.attnum
                     WHERE u.n > ${i}.indnkeyatts)`;
  return `json_build_object(
            'unique', ${i}.indisunique,
            'primary', ${i}.indisprimary,
            'method', (SELECT am.amname FROM pg_am am WHERE am.oid = ${ic}.relam),
            'keys', ${keys},
            'include', ${include},
            'predicate', pg_get_expr(${i}.indpred, ${i}.indrelid, true),
            'options', coalesce(array_to_json(${ic}.reloptions), '[]'::json),
            'tablespace', (SELECT s.spcname FROM pg_tablespace s WHERE s.oid = ${ic}.reltablespace),
            'nullsNotDistinct', coalesce((to_jsonb(${i}) ->> 'indnullsnotdistinct')::boolean, false),
            'valid', ${i}.indisvalid)`;
}

const foreignKeyAction = (column: string) =>
  `CASE ${column} WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' ELSE 'no action' END`;

/** `k` is the pg_constraint row. */
export function constraintStructureJson(k: string): string {
  const setColumns = `(SELECT coalesce(json_agg(a.attname ORDER BY u.n), '[]'::json)
                         FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(to_jsonb(${k}) -> 'confdelsetcols') = 'array'
                                                             THEN to_jsonb(${k}) -> 'confdelsetcols' ELSE '[]'::jsonb END) WITH ORDINALITY u(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = ${k}.conrelid AND a.attnum = u.attnum::int2)`;
  const foreignKey = `CASE WHEN ${k}.contype = 'f' THEN json_build_object(
                        'references', (SELECT json_build_object('schema', rn.nspname, 'name', r.relname)
                                         FROM pg_class r JOIN pg_namespace rn ON rn.oid = r.relnamespace WHERE r.oid = ${k}.confrelid),
                        'referencedColumns', ${columnNames(`${k}.confrelid`, `${k}.confkey`)},
                        'onUpdate', ${foreignKeyAction(`${k}.confupdtype`)},
                        'onDelete', ${foreignKeyAction(`${k}.confdeltype`)},
                        'onDeleteColumns', ${setColumns},
                        'match', CASE ${k}.confmatchtype WHEN 'f' THEN 'full' WHEN 'p' THEN 'partial' ELSE 'simple' END) END`;
  const exclusion = `CASE WHEN ${k}.contype = 'x' THEN
                       (SELECT json_agg(json_build_object('element', pg_get_indexdef(${k}.conindid, e.n::int, true),
                                                          'operator', quote_ident(opn.nspname) || '.' || o.oprname) ORDER BY e.n)
                          FROM unnest(${k}.conexclop) WITH ORDINALITY e(op, n)
                          JOIN pg_operator o ON o.oid = e.op
                          JOIN pg_namespace opn ON opn.oid = o.oprnamespace) END`;
  return `json_build_object(
            'kind', CASE ${k}.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check'
                                      WHEN 'f' THEN 'foreign key' WHEN 'x' THEN 'exclusion' END,
            'columns', ${columnNames(`${k}.conrelid`, `${k}.conkey`)},
            'deferrable', ${k}.condeferrable,
            'initiallyDeferred', ${k}.condeferred,
            'validated', ${k}.convalidated,
            'noInherit', ${k}.contype = 'c' AND ${k}.connoinherit,
            'checkExpression', CASE WHEN ${k}.contype = 'c' THEN pg_get_expr(${k}.conbin, ${k}.conrelid, true) END,
            'foreignKey', ${foreignKey},
            'exclusion', ${exclusion})`;
}
