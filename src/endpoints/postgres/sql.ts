/** Catalog filters every inventory query shares; quoting itself lives with the model's DDL (model/ddl/quote.ts). */
export { qualifiedName, quoteIdent, quoteLiteral } from '../../model/ddl/quote.js';

/** SQL condition: the namespace column holds a user schema, not a system one. */
export function isUserSchema(nspname: string): string {
  return `(${nspname} NOT IN ('pg_catalog', 'information_schema') AND ${nspname} NOT LIKE 'pg\\_toast%' AND ${nspname} NOT LIKE 'pg\\_temp\\_%')`;
}

/** SQL condition: the object (catalog, oid) does not belong to an extension. */
export function isNotExtensionMember(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
}

/** SQL expression: the collation with this oid as a qualified, quoted name (regcollation needs PostgreSQL 13). */
export function collationName(oid: string): string {
  return `(SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
             JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = ${oid})`;
}

/**
 * SQL expression: an ACL as a JSON array of grants (grantee null = PUBLIC), or null for default privileges. The
 * owner's own entries are left out: ownership implies them, and newer majors add privileges to them (MAINTAIN).
 */
export function grantsJson(acl: string, owner: string): string {
  return `CASE WHEN ${acl} IS NOT NULL THEN
            (SELECT coalesce(json_agg(json_build_object('grantee', CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END,
                                                        'privilege', a.privilege_type, 'grantable', a.is_grantable)
                                      ORDER BY a.grantee, a.privilege_type), '[]'::json)
               FROM aclexplode(${acl}) a WHERE a.grantee <> ${owner}) END`;
}
