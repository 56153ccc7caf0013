/** Views and materialized views of user schemas, with their queries as the source deparses them. */
import type { Grant, ViewDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { grantsJson, isNotExtensionMember, isUserSchema } from '../sql.js';
import { ownedObject } from './owned-object.js';

interface ViewRow {
  oid: number;
  schema: string;
  name: string;
  owner: string;
  grants: Grant[] | null;
  materialized: boolean;
  populated: boolean;
  query: string;
  options: string[] | null;
}

/** Needs search_path = ''. */
export async function readViews(session: Session): Promise<ViewDef[]> {
  const rows = await runQuery<ViewRow>(
    session,
    'views and materialized views',
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner,
            ${grantsJson('c.relacl', 'c.relowner')} AS grants, c.relkind = 'm' AS materialized, c.relispopulated AS populated,
            rtrim(pg_get_viewdef(c.oid), '; ' || chr(10)) AS query, c.reloptions::text[] AS options
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('v', 'm') AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 2, 3`,
  );
  return rows.map((r) => ({
    kind: 'view',
    ...ownedObject(r, 'class'),
    materialized: r.materialized,
    populated: r.populated,
    query: r.query,
    options: r.options ?? [],
  }));
}
