/** The only place identifiers are quoted, plus catalog filters every inventory query shares. */

/** Quotes an identifier the way PostgreSQL's quote_ident does. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** schema.name, both quoted. */
export function qualifiedName(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** SQL condition: the namespace column holds a user schema, not a system one. */
export function isUserSchema(nspname: string): string {
  return `(${nspname} NOT IN ('pg_catalog', 'information_schema') AND ${nspname} NOT LIKE 'pg\\_toast%' AND ${nspname} NOT LIKE 'pg\\_temp\\_%')`;
}

/** SQL condition: the object (catalog, oid) does not belong to an extension. */
export function isNotExtensionMember(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
}
