/** User-defined collations (libc, ICU, builtin) as CREATE COLLATION; the version is the target's own, so it is left out. */
import type { CatalogObjectDef } from '../../../model/schema-model.js';
import type { Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';
import { readCatalogObjectRows } from './catalog-object-row.js';

/**
 * The ICU locale moved from collcollate (14) to colliculocale (15, 16) to colllocale (17+), and rules came in 16:
 * read through to_jsonb so one query serves every major.
 */
export async function readCollations(session: Session): Promise<CatalogObjectDef[]> {
  return readCatalogObjectRows(
    session,
    'collations',
    `SELECT 'coll:' || c.oid AS key, 'collation' AS catalog_kind, n.nspname AS schema, c.collname AS name,
            format('COLLATION %I.%I', n.nspname, c.collname) AS clause, pg_get_userbyid(c.collowner) AS owner,
            format('CREATE COLLATION %I.%I (%s)', n.nspname, c.collname, array_to_string(array_remove(ARRAY[
              'provider = ' || CASE c.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END,
              CASE WHEN c.collprovider = 'c' THEN format('lc_collate = %L, lc_ctype = %L', c.collcollate, c.collctype)
                   ELSE format('locale = %L', coalesce(j.row ->> 'colllocale', j.row ->> 'colliculocale', c.collcollate)) END,
              CASE WHEN NOT c.collisdeterministic THEN 'deterministic = false' END,
              CASE WHEN j.row ->> 'collicurules' IS NOT NULL THEN format('rules = %L', j.row ->> 'collicurules') END], NULL), ', ')) AS definition,
            obj_description(c.oid, 'pg_collation') AS comment
       FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
       CROSS JOIN LATERAL (SELECT to_jsonb(c) AS row) j
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_collation', 'c.oid')}`,
  );
}
