/** User-defined operators, operator families (with their loose members) and operator classes (with their members). */
import type { CatalogObjectDef } from '../../../model/schema-model.js';
import type { Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';
import { readCatalogObjectRows } from './catalog-object-row.js';

/** An operator referred to by name only, as COMMUTATOR and NEGATOR take it. */
const operatorReference = (oid: string) =>
  `(SELECT format('OPERATOR(%I.%s)', rn.nspname, r.oprname) FROM pg_operator r JOIN pg_namespace rn ON rn.oid = r.oprnamespace WHERE r.oid = ${oid})`;

function operators(): string {
  return `SELECT 'opr:' || o.oid AS key, 'operator' AS catalog_kind, n.nspname AS schema,
                 format('%s(%s, %s)', o.oprname, coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE'), format_type(o.oprright, NULL)) AS name,
                 format('OPERATOR %I.%s (%s, %s)', n.nspname, o.oprname, coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE'),
                        format_type(o.oprright, NULL)) AS clause,
                 pg_get_userbyid(o.oprowner) AS owner,
                 format('CREATE OPERATOR %I.%s (%s)', n.nspname, o.oprname, array_to_string(array_remove(ARRAY[
                   'FUNCTION = ' || o.oprcode::regproc::text,
                   CASE WHEN o.oprleft <> 0 THEN 'LEFTARG = ' || format_type(o.oprleft, NULL) END,
                   'RIGHTARG = ' || format_type(o.oprright, NULL),
                   CASE WHEN o.oprcom <> 0 THEN 'COMMUTATOR = ' || ${operatorReference('o.oprcom')} END,
                   CASE WHEN o.oprnegate <> 0 THEN 'NEGATOR = ' || ${operatorReference('o.oprnegate')} END,
                   CASE WHEN o.oprcanmerge THEN 'MERGES' END,
                   CASE WHEN o.oprcanhash THEN 'HASHES' END,
                   CASE WHEN o.oprrest <> 0 THEN 'RESTRICT = ' || o.oprrest::regproc::text END,
                   CASE WHEN o.oprjoin <> 0 THEN 'JOIN = ' || o.oprjoin::regproc::text END], NULL), ', ')) AS definition,
                 obj_description(o.oid, 'pg_operator') AS comment
            FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
           WHERE o.oprcode <> 0 AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_operator', 'o.oid')}`;
}

/** The members of a family or class, as its CREATE OPERATOR CLASS … AS or ALTER OPERATOR FAMILY … ADD lists them. */
function members(family: string, belongs: (catalog: string, oid: string) => string): string {
  return `(SELECT string_agg(item, ', ' ORDER BY sort) FROM (
             SELECT format('OPERATOR %s %s%s', ao.amopstrategy, ao.amopopr::regoperator::text,
                           CASE WHEN ao.amoppurpose = 'o' THEN format(' FOR ORDER BY %I.%I', sn.nspname, sf.opfname) ELSE '' END) AS item,
                    format('1 %s %s %s', lpad(ao.amopstrategy::text, 5, '0'), format_type(ao.amoplefttype, NULL), format_type(ao.amoprighttype, NULL)) AS sort
               FROM pg_amop ao LEFT JOIN pg_opfamily sf ON sf.oid = ao.amopsortfamily LEFT JOIN pg_namespace sn ON sn.oid = sf.opfnamespace
              WHERE ao.amopfamily = ${family} AND ${belongs('pg_amop', 'ao.oid')}
             UNION ALL
             SELECT format('FUNCTION %s (%s, %s) %s', ap.amprocnum, format_type(ap.amproclefttype, NULL), format_type(ap.amprocrighttype, NULL),
                           ap.amproc::regprocedure::text),
                    format('2 %s %s %s', lpad(ap.amprocnum::text, 5, '0'), format_type(ap.amproclefttype, NULL), format_type(ap.amprocrighttype, NULL))
               FROM pg_amproc ap
              WHERE ap.amprocfamily = ${family} AND ${belongs('pg_amproc', 'ap.oid')}) m)`;
}

/** Loose members belong to the family itself (an auto dependency); a class's members depend on their class internally. */
const looseMember = (catalog: string, oid: string) =>
  `EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.refclassid = 'pg_opfamily'::regclass AND d.deptype = 'a')`;
const memberOfClass = (opclass: string) => (catalog: string, oid: string) =>
  `EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.refclassid = 'pg_opclass'::regclass AND d.refobjid = ${opclass} AND d.deptype = 'i')`;

function families(): string {
  return `SELECT 'opf:' || f.oid, 'operator family', n.nspname, format('%s USING %s', f.opfname, am.amname),
                 format('OPERATOR FAMILY %I.%I USING %I', n.nspname, f.opfname, am.amname), pg_get_userbyid(f.opfowner),
                 format('CREATE OPERATOR FAMILY %I.%I USING %I', n.nspname, f.opfname, am.amname)
                   || coalesce(format(E';\\nALTER OPERATOR FAMILY %I.%I USING %I ADD ', n.nspname, f.opfname, am.amname) || ${members('f.oid', looseMember)}, ''),
                 obj_description(f.oid, 'pg_opfamily')
            FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace JOIN pg_am am ON am.oid = f.opfmethod
           WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_opfamily', 'f.oid')}`;
}

function classes(): string {
  return `SELECT 'opc:' || c.oid, 'operator class', n.nspname, format('%s USING %s', c.opcname, am.amname),
                 format('OPERATOR CLASS %I.%I USING %I', n.nspname, c.opcname, am.amname), pg_get_userbyid(c.opcowner),
                 format('CREATE OPERATOR CLASS %I.%I %sFOR TYPE %s USING %I FAMILY %I.%I AS %s', n.nspname, c.opcname,
                        CASE WHEN c.opcdefault THEN 'DEFAULT ' ELSE '' END, format_type(c.opcintype, NULL), am.amname, fn.nspname, f.opfname,
                        concat_ws(', ', ${members('c.opcfamily', memberOfClass('c.oid'))},
                                  CASE WHEN c.opckeytype <> 0 THEN 'STORAGE ' || format_type(c.opckeytype, NULL) END)),
                 obj_description(c.oid, 'pg_opclass')
            FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace JOIN pg_am am ON am.oid = c.opcmethod
            JOIN pg_opfamily f ON f.oid = c.opcfamily JOIN pg_namespace fn ON fn.oid = f.opfnamespace
           WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_opclass', 'c.oid')}`;
}

/** Needs search_path = '' so operators, types and functions come out schema-qualified where they are not pg_catalog's. */
export async function readOperators(session: Session): Promise<CatalogObjectDef[]> {
  return readCatalogObjectRows(session, 'operators, operator families and classes', `${operators()}\n UNION ALL ${families()}\n UNION ALL ${classes()}`);
}
