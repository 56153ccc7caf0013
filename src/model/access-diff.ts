/**
 * Pure: the access model and role attributes as named entries for the schema diff, after the run's owner mapping.
 * Roles the plan maps (owners.map) are existing target roles: their attributes, memberships and settings are the
 * target's own and are not compared. With owners.drop nothing role-related is compared. A setting's value may be a
 * secret (an application's JWT secret or API key): it is compared, never shown.
 */
import type { Grant, SchemaModel } from './schema-model.js';

/** A value the diff compares but never shows: a difference reads "value differs (not shown)", both sides `****`. */
export class HiddenValue {
  constructor(readonly value: string) {}
}

export interface AccessMapping {
  readonly map: Readonly<Record<string, string>>;
  readonly drop: boolean;
}

/** A role's name on the target side; a role without counterpart keeps its name so what it lacks shows. */
type RoleName = (role: string) => string;

/** Grants in one order on every server (catalogs list them by role OID, which differ). */
export function sortGrants(grants: readonly Grant[]): Grant[] {
  const key = (g: Grant) => `${g.grantee ?? ''}\u0000${g.privilege}\u0000${g.grantable}`;
  return [...grants].sort((a, b) => key(a).localeCompare(key(b)));
}

function grantsAfter(grants: readonly Grant[], name: RoleName): string[] {
  return grants.map((g) => `${g.grantee === null ? 'PUBLIC' : name(g.grantee)} ${g.privilege}${g.grantable ? ' WITH GRANT OPTION' : ''}`).sort();
}

export function accessEntries(model: SchemaModel, owners: AccessMapping, sourceSide: boolean): Map<string, unknown> {
  const entries = new Map<string, unknown>();
  const name: RoleName = sourceSide ? (role) => owners.map[role] ?? role : (role) => role;
  const mapped = new Set(sourceSide ? Object.keys(owners.map) : Object.values(owners.map));
  const compared = (role: string) => !owners.drop && !mapped.has(role);
  const access = model.access;

  for (const setting of access.settings) {
    const value = new HiddenValue(setting.value);
    if (setting.role === null) entries.set(`database setting ${setting.name}`, value);
    else if (compared(setting.role)) entries.set(`setting ${setting.name} of role ${name(setting.role)} in ${setting.scope}`, value);
  }
  for (const m of access.extensionMemberPrivileges) {
    entries.set(`changed privileges of extension ${m.extension} member ${m.target}`, { granted: grantsAfter(m.granted, name), revoked: grantsAfter(m.revoked, name) });
  }
  if (owners.drop) return entries;
  for (const role of model.roles.filter((r) => compared(r.name))) {
    const { canLogin, inherit, createDb, createRole, connectionLimit, superuser, replication, bypassRls, validUntil } = role;
    entries.set(`role ${role.name}`, { canLogin, inherit, createDb, createRole, connectionLimit, superuser, replication, bypassRls, validUntil });
  }
  for (const m of access.memberships.filter((m) => compared(m.member) && compared(m.role))) {
    entries.set(`role membership of ${name(m.member)} in ${name(m.role)}`, { admin: m.admin, inherit: m.inherit, set: m.set, grantor: m.grantor === null ? null : name(m.grantor) });
  }
  for (const d of access.defaultPrivileges) {
    const label = `default privileges of ${name(d.role)}${d.schema === null ? '' : ` in schema ${d.schema}`} on ${d.objectType.toLowerCase()}`;
    entries.set(label, grantsAfter(d.grants, name));
  }
  for (const c of access.columnGrants) entries.set(`column grants on ${c.table.schema}.${c.table.name}.${c.column}`, grantsAfter(c.grants, name));
  return entries;
}
