/** User-defined encoding conversions. */
import type { CatalogObjectDef } from '../../../model/schema-model.js';
import type { Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';
import { readCatalogObjectRows } from './catalog-object-row.js';

export async function readConversions(session: Session): Promise<CatalogObjectDef[]> {
  return readCatalogObjectRows(
    session,
    'conversions',
    `SELECT 'conv:' || c.oid AS key, 'conversion' AS catalog_kind, n.nspname AS schema, c.conname AS name,
            format('CONVERSION %I.%I', n.nspname, c.conname) AS clause, pg_get_userbyid(c.conowner) AS owner,
            format('CREATE %sCONVERSION %I.%I FOR %L TO %L FROM %s', CASE WHEN c.condefault THEN 'DEFAULT ' ELSE '' END,
                   n.nspname, c.conname, pg_encoding_to_char(c.conforencoding), pg_encoding_to_char(c.contoencoding),
                   c.conproc::regproc::text) AS definition,
            obj_description(c.oid, 'pg_conversion') AS comment
       FROM pg_conversion c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_conversion', 'c.oid')}`,
  );
}
