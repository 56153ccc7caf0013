/** User-defined casts: WITH FUNCTION, WITH INOUT or WITHOUT FUNCTION, explicit, AS ASSIGNMENT or AS IMPLICIT. */
import type { CatalogObjectDef } from '../../../model/schema-model.js';
import type { Session } from '../run-query.js';
import { isNotExtensionMember } from '../sql.js';
import { readCatalogObjectRows } from './catalog-object-row.js';

/** Needs search_path = '' so types and functions come out schema-qualified. Casts have no schema and no owner. */
export async function readCasts(session: Session): Promise<CatalogObjectDef[]> {
  return readCatalogObjectRows(
    session,
    'casts',
    `SELECT 'cast:' || c.oid AS key, 'cast' AS catalog_kind, '' AS schema,
            format('(%s AS %s)', format_type(c.castsource, NULL), format_type(c.casttarget, NULL)) AS name,
            format('CAST (%s AS %s)', format_type(c.castsource, NULL), format_type(c.casttarget, NULL)) AS clause, NULL AS owner,
            format('CREATE CAST (%s AS %s) %s%s', format_type(c.castsource, NULL), format_type(c.casttarget, NULL),
                   CASE c.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || c.castfunc::regprocedure::text
                                     WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END,
                   CASE c.castcontext WHEN 'a' THEN ' AS ASSIGNMENT' WHEN 'i' THEN ' AS IMPLICIT' ELSE '' END) AS definition,
            obj_description(c.oid, 'pg_cast') AS comment
       FROM pg_cast c
      WHERE c.oid >= 16384 AND ${isNotExtensionMember('pg_cast', 'c.oid')}
        -- Casts a multirange type makes for itself come back with the type.
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass AND d.objid = c.oid AND d.deptype = 'i')`,
  );
}
