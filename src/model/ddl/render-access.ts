/**
 * Pure: the statements that give the target the source's access model (default privileges, column grants,
 * memberships, settings, extension members' changed privileges, identity sequences' grants) after role mapping.
 * What names a role without counterpart on the target is left out and named.
 */
import { qualifiedName, quoteIdent, quoteLiteral } from '../../endpoints/postgres/sql.js';
import type { DefaultPrivilegeDef, ExtensionMemberPrivilegeDef, RoleMembershipDef, SettingDef } from '../access-model.js';
import type { Grant, RoleDef, SchemaModel } from '../schema-model.js';
import { tablesOf } from '../schema-model.js';
import type { RoleResolver } from './render-privileges.js';

export interface AccessPlan {
  readonly statements: readonly string[];
  /** What could not be planned, each naming the object and the role without counterpart. */
  readonly leftOut: readonly string[];
}

type Rendered = { statements: string[]; leftOut: string[] };

function grantee(grant: Grant, resolve: RoleResolver): string | null {
  if (grant.grantee === null) return 'PUBLIC';
  const role = resolve(grant.grantee);
  return role === null ? null : quoteIdent(role);
}

function grantStatements(on: string, grants: readonly Grant[], resolve: RoleResolver, what: string, columns = ''): Rendered {
  const out: Rendered = { statements: [], leftOut: [] };
  for (const grant of grants) {
    const to = grantee(grant, resolve);
    if (to === null) out.leftOut.push(`${grant.privilege}${columns} on ${what} to ${grant.grantee}`);
    else out.statements.push(`GRANT ${grant.privilege}${columns} ON ${on} TO ${to}${grant.grantable ? ' WITH GRANT OPTION' : ''}`);
  }
  return out;
}

/** An entry for every schema replaces the built-in defaults: revoke those first, then grant the source's list. */
function renderDefaultPrivileges(d: DefaultPrivilegeDef, resolve: RoleResolver): Rendered {
  const what = `default privileges of ${d.role}${d.schema ? ` in schema ${d.schema}` : ''} on ${d.objectType.toLowerCase()}`;
  const role = resolve(d.role);
  if (role === null) return { statements: [], leftOut: [`${what} (role ${d.role})`] };
  const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(role)}${d.schema ? ` IN SCHEMA ${quoteIdent(d.schema)}` : ''}`;
  const revokes = d.schema ? [] : [`${prefix} REVOKE ALL ON ${d.objectType} FROM PUBLIC`, `${prefix} REVOKE ALL ON ${d.objectType} FROM ${quoteIdent(role)}`];
  const grants = grantStatements(d.objectType, d.grants, resolve, what);
  return { statements: [...revokes, ...grants.statements.map((g) => `${prefix} ${g}`)], leftOut: grants.leftOut };
}

/** Before 16 a membership has no INHERIT / SET options: only a 16+ source can differ from the defaults. */
function renderMembership(m: RoleMembershipDef, resolve: RoleResolver, roles: ReadonlyMap<string, RoleDef>): Rendered {
  const role = m.role.startsWith('pg_') ? m.role : resolve(m.role);
  const member = resolve(m.member);
  const grantor = m.grantor === null ? null : resolve(m.grantor);
  if (role === null || member === null || (m.grantor !== null && grantor === null)) {
    return { statements: [], leftOut: [`membership of ${m.member} in ${m.role}`] };
  }
  const defaults = m.inherit === (roles.get(m.member)?.inherit ?? true) && m.set;
  const options = defaults ? (m.admin ? ' WITH ADMIN OPTION' : '') : ` WITH ADMIN ${m.admin}, INHERIT ${m.inherit}, SET ${m.set}`;
  return { statements: [`GRANT ${quoteIdent(role)} TO ${quoteIdent(member)}${options}${grantor ? ` GRANTED BY ${quoteIdent(grantor)}` : ''}`], leftOut: [] };
}

/** Settings pg_dump writes as a list of literals: their stored value is a list of (maybe double-quoted) names. */
const listSettings = new Set(['search_path', 'temp_tablespaces', 'session_preload_libraries', 'local_preload_libraries', 'shared_preload_libraries', 'unix_socket_directories']);

/** A stored list value ("$user", public) split into its names, double quotes undone. */
function splitList(value: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i <= value.length) {
    while (value[i] === ' ') i++;
    let name = '';
    if (value[i] === '"') {
      for (i++; i < value.length; i++) {
        if (value[i] !== '"') name += value[i];
        else if (value[i + 1] === '"') name += value[++i];
        else break;
      }
      while (i < value.length && value[i] !== ',') i++;
    } else {
      const comma = value.indexOf(',', i);
      const end = comma === -1 ? value.length : comma;
      name = value.slice(i, end).trim();
      i = end;
    }
    names.push(name);
    i++;
  }
  return names;
}

/** The value as ALTER … SET takes it back: one literal, or for list settings a literal per element (as pg_dump does). */
export function settingValue(name: string, value: string): string {
  return listSettings.has(name.toLowerCase()) ? splitList(value).map(quoteLiteral).join(', ') : quoteLiteral(value);
}

function renderSetting(s: SettingDef, resolve: RoleResolver, database: string): Rendered {
  const set = `SET ${quoteIdent(s.name)} TO ${settingValue(s.name, s.value)}`;
  if (s.role === null) return { statements: [`ALTER DATABASE ${quoteIdent(database)} ${set}`], leftOut: [] };
  const role = resolve(s.role);
  if (role === null) return { statements: [], leftOut: [`setting ${s.name} of role ${s.role}`] };
  const inDatabase = s.scope === 'this database' ? ` IN DATABASE ${quoteIdent(database)}` : '';
  return { statements: [`ALTER ROLE ${quoteIdent(role)}${inDatabase} ${set}`], leftOut: [] };
}

/** The source's changes to what the extension script granted, made again after the target's CREATE EXTENSION. */
function renderExtensionMember(m: ExtensionMemberPrivilegeDef, resolve: RoleResolver): Rendered {
  const out = grantStatements(m.target, m.granted, resolve, m.target);
  for (const grant of m.revoked) {
    const from = grantee(grant, resolve);
    if (from === null) out.leftOut.push(`revoke of ${grant.privilege} on ${m.target} from ${grant.grantee}`);
    else out.statements.push(`REVOKE ${grant.privilege} ON ${m.target} FROM ${from}`);
  }
  return out;
}

/** An identity column's sequence is created with its table; its grants are given here. */
function renderIdentitySequenceGrants(model: SchemaModel, resolve: RoleResolver): Rendered[] {
  return tablesOf(model).flatMap((table) =>
    table.columns.flatMap((column) => {
      const sequence = column.identity?.sequence;
      if (!sequence || !('grants' in sequence) || sequence.grants === null) return [];
      const on = `SEQUENCE ${qualifiedName(sequence.schema, sequence.name)}`;
      const grants = grantStatements(on, (sequence.grants as readonly Grant[]).filter((g) => g.grantee !== table.owner), resolve, `sequence ${sequence.schema}.${sequence.name}`);
      return [{ statements: [`REVOKE ALL ON ${on} FROM PUBLIC`, ...grants.statements], leftOut: grants.leftOut }];
    }),
  );
}

/** `database`: the target database's own name (database settings are applied to it). */
export function planAccess(model: SchemaModel, resolve: RoleResolver, database: string): AccessPlan {
  const roles = new Map(model.roles.map((r) => [r.name, r]));
  const access = model.access;
  // Admin options first: a GRANTED BY names a grantor that must already hold one.
  const memberships = [...access.memberships].sort((a, b) => Number(a.grantor !== null) - Number(b.grantor !== null));
  const parts: Rendered[] = [
    ...renderIdentitySequenceGrants(model, resolve),
    ...access.columnGrants.map((c) => {
      const what = `column ${c.table.schema}.${c.table.name}.${c.column}`;
      return grantStatements(`TABLE ${qualifiedName(c.table.schema, c.table.name)}`, c.grants, resolve, what, ` (${quoteIdent(c.column)})`);
    }),
    ...access.defaultPrivileges.map((d) => renderDefaultPrivileges(d, resolve)),
    ...memberships.map((m) => renderMembership(m, resolve, roles)),
    ...access.extensionMemberPrivileges.map((m) => renderExtensionMember(m, resolve)),
    ...access.settings.map((s) => renderSetting(s, resolve, database)),
  ];
  return { statements: parts.flatMap((p) => p.statements), leftOut: parts.flatMap((p) => p.leftOut) };
}

/** Attributes only a superuser may give, one ALTER ROLE each so a refusal names the one refused. */
export function renderSuperuserAttributes(role: RoleDef, name: string): Array<{ readonly attribute: string; readonly statement: string }> {
  const attributes = [role.superuser && 'SUPERUSER', role.replication && 'REPLICATION', role.bypassRls && 'BYPASSRLS'].filter((a): a is string => Boolean(a));
  return attributes.map((attribute) => ({ attribute, statement: `ALTER ROLE ${quoteIdent(name)} ${attribute}` }));
}
