/** Pure: owners and grants of every object, after mapping source roles to target roles. */
import { qualifiedName, quoteIdent, quoteLiteral } from '../../endpoints/postgres/sql.js';
import type { Grant, PreDataObject, RoleDef, SchemaDef } from '../schema-model.js';

/** Source role → the role that stands for it on the target, or null when there is none (owner stays the connecting user, grant dropped). */
export type RoleResolver = (sourceRole: string) => string | null;

export interface Securable {
  /** For ALTER … OWNER TO, e.g. "TABLE public.t", "FUNCTION public.f(integer)". */
  readonly ownerClause: string;
  /** For GRANT … ON, e.g. "TABLE public.t"; null when grants do not apply. */
  readonly grantClause: string | null;
  /** null: the object has no owner (a cast). */
  readonly owner: string | null;
  readonly grants: readonly Grant[] | null;
}

function securableOf(object: PreDataObject): Securable {
  const name = qualifiedName(object.schema, object.name);
  const base = { owner: object.owner, grants: object.grants };
  switch (object.kind) {
    case 'table':
      return { ...base, ownerClause: `TABLE ${name}`, grantClause: `TABLE ${name}` };
    case 'view':
      return { ...base, ownerClause: `${object.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${name}`, grantClause: `TABLE ${name}` };
    case 'sequence':
      return { ...base, ownerClause: `SEQUENCE ${name}`, grantClause: `SEQUENCE ${name}` };
    case 'type':
      return { ...base, ownerClause: `${object.variant === 'domain' ? 'DOMAIN' : 'TYPE'} ${name}`, grantClause: `TYPE ${name}` };
    case 'routine': {
      const signature = `${name}(${object.identityArguments})`;
      const keyword = object.routineKind === 'aggregate' ? 'AGGREGATE' : object.routineKind === 'procedure' ? 'PROCEDURE' : 'FUNCTION';
      // GRANT names an ordered-set aggregate by all its argument types, without ORDER BY.
      const grantSignature = `${name}(${object.identityArguments.replace(' ORDER BY ', ', ')})`;
      return { ...base, ownerClause: `${keyword} ${signature}`, grantClause: object.routineKind === 'aggregate' ? `FUNCTION ${grantSignature}` : `${keyword} ${signature}` };
    }
    case 'catalog':
      return { ...base, ownerClause: object.clause, grantClause: null };
  }
}

function schemaSecurable(schema: SchemaDef): Securable {
  const name = quoteIdent(schema.name);
  return { ownerClause: `SCHEMA ${name}`, grantClause: `SCHEMA ${name}`, owner: schema.owner, grants: schema.grants };
}

/**
 * ALTER … OWNER TO and GRANT statements. When the source's list replaces the defaults (grants not null), PUBLIC's
 * default privileges are revoked first so a revoked default stays revoked; grants to the owner are implied.
 */
export function renderSecurable(securable: Securable, resolve: RoleResolver): string[] {
  const statements: string[] = [];
  const owner = securable.owner === null ? null : resolve(securable.owner);
  if (owner) statements.push(`ALTER ${securable.ownerClause} OWNER TO ${quoteIdent(owner)}`);
  if (securable.grantClause && securable.grants) {
    statements.push(`REVOKE ALL ON ${securable.grantClause} FROM PUBLIC`);
    for (const grant of securable.grants) {
      if (grant.grantee === securable.owner) continue;
      const grantee = grant.grantee === null ? 'PUBLIC' : resolve(grant.grantee);
      if (!grantee) continue;
      const to = grantee === 'PUBLIC' ? 'PUBLIC' : quoteIdent(grantee);
      statements.push(`GRANT ${grant.privilege} ON ${securable.grantClause} TO ${to}${grant.grantable ? ' WITH GRANT OPTION' : ''}`);
    }
  }
  return statements;
}

export function renderObjectPrivileges(object: PreDataObject, resolve: RoleResolver): string[] {
  return renderSecurable(securableOf(object), resolve);
}

export function renderSchemaPrivileges(schema: SchemaDef, resolve: RoleResolver): string[] {
  return renderSecurable(schemaSecurable(schema), resolve);
}

/** CREATE ROLE with the attributes any CREATEROLE holder may give (giveSuperuserAttributes adds the others). The password hash only when it could be read. */
export function renderCreateRole(role: RoleDef): string {
  return [
    `CREATE ROLE ${quoteIdent(role.name)}`,
    role.canLogin ? 'LOGIN' : 'NOLOGIN',
    role.inherit ? 'INHERIT' : 'NOINHERIT',
    role.createDb ? 'CREATEDB' : '',
    role.createRole ? 'CREATEROLE' : '',
    role.connectionLimit >= 0 ? `CONNECTION LIMIT ${role.connectionLimit}` : '',
    role.validUntil !== null ? `VALID UNTIL ${quoteLiteral(role.validUntil)}` : '',
    role.passwordHash ? `PASSWORD ${quoteLiteral(role.passwordHash)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}
