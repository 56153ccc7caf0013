/** Foreign-data wrappers (not brought by an extension), foreign servers, user mappings and foreign tables. */
import type { ForeignDataWrapperDef, ForeignServerDef, ForeignTableDef, UserMappingDef } from '../../../model/server-objects.js';
import { withoutSecretOptions } from '../../../model/secret-options.js';
import { runQuery, type Session } from '../run-query.js';
import { functionName } from './function-name.js';
import { collationName, grantsJson, isNotExtensionMember, isUserSchema } from '../sql.js';


export async function readForeignDataWrappers(session: Session): Promise<ForeignDataWrapperDef[]> {
  return runQuery<ForeignDataWrapperDef>(
    session,
    'foreign-data wrappers',
    `SELECT w.fdwname AS name, pg_get_userbyid(w.fdwowner) AS owner, ${grantsJson('w.fdwacl', 'w.fdwowner')} AS grants,
            obj_description(w.oid, 'pg_foreign_data_wrapper') AS comment, ${functionName('w.fdwhandler')} AS handler,
            ${functionName('w.fdwvalidator')} AS validator, coalesce(w.fdwoptions, '{}') AS options
       FROM pg_foreign_data_wrapper w
      WHERE ${isNotExtensionMember('pg_foreign_data_wrapper', 'w.oid')}
      ORDER BY 1`,
  );
}

/** Options that hold a secret (a token, an API key…) are never carried, only named. */
export async function readForeignServers(session: Session): Promise<ForeignServerDef[]> {
  const servers = await runQuery<Omit<ForeignServerDef, 'droppedOptions'>>(
    session,
    'foreign servers',
    `SELECT s.srvname AS name, pg_get_userbyid(s.srvowner) AS owner, ${grantsJson('s.srvacl', 's.srvowner')} AS grants,
            obj_description(s.oid, 'pg_foreign_server') AS comment, w.fdwname AS wrapper, s.srvtype AS type,
            s.srvversion AS version, coalesce(s.srvoptions, '{}') AS options
       FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
      WHERE ${isNotExtensionMember('pg_foreign_server', 's.oid')}
      ORDER BY 1`,
  );
  return servers.map((server) => {
    const { kept, dropped } = withoutSecretOptions(server.options);
    return { ...server, options: kept, droppedOptions: dropped };
  });
}

/**
 * pg_user_mappings shows the options only to a superuser, the server's owner or the mapped user; the password and
 * any other option that holds a secret (secret-options.ts) is never carried, only named.
 */
export async function readUserMappings(session: Session): Promise<UserMappingDef[]> {
  const rows = await runQuery<{ server: string; user: string | null; options: string[] }>(
    session,
    'user mappings',
    `SELECT m.srvname AS server, CASE WHEN m.umuser = 0 THEN NULL ELSE m.usename END AS "user", coalesce(m.umoptions, '{}') AS options
       FROM pg_user_mappings m
      WHERE ${isNotExtensionMember('pg_foreign_server', 'm.srvid')}
      ORDER BY 1, 2 NULLS FIRST`,
  );
  return rows.map((r) => {
    const { kept, dropped } = withoutSecretOptions(r.options);
    return { server: r.server, user: r.user, options: kept, droppedOptions: dropped };
  });
}

/** Foreign tables that are neither partitions nor inheritance children (those stay named as not migrated). */
export async function readForeignTables(session: Session): Promise<ForeignTableDef[]> {
  const tables = await runQuery<Omit<ForeignTableDef, 'columns'> & { oid: string }>(
    session,
    'foreign tables',
    `SELECT c.oid::text AS oid, 'class:' || c.oid AS key, n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner,
            ${grantsJson('c.relacl', 'c.relowner')} AS grants, obj_description(c.oid, 'pg_class') AS comment,
            s.srvname AS server, coalesce(ft.ftoptions, '{}') AS options
       FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_foreign_server s ON s.oid = ft.ftserver
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
        AND NOT c.relispartition AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
      ORDER BY 2, 3`,
  );
  if (tables.length === 0) return [];
  const columns = await runQuery<{ table_oid: string; name: string; type: string; not_null: boolean; default: string | null; collation: string | null; options: string[]; comment: string | null }>(
    session,
    'foreign table columns',
    `SELECT a.attrelid::text AS table_oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS "default",
            CASE WHEN a.attcollation <> t.typcollation THEN ${collationName('a.attcollation')} END AS "collation",
            coalesce(a.attfdwoptions, '{}') AS options, col_description(a.attrelid, a.attnum) AS comment
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [tables.map((t) => t.oid)],
  );
  return tables.map(({ oid, ...table }) => ({
    ...table,
    columns: columns
      .filter((c) => c.table_oid === oid)
      .map((c) => ({ name: c.name, type: c.type, notNull: c.not_null, defaultValue: c.default, collation: c.collation, options: c.options, comment: c.comment })),
  }));
}
