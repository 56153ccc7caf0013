/**
 * Prepares the target before the schema: empties it when the plan says `ifTargetNotEmpty: drop`, and makes sure
 * every role the schema names exists (created with the source's attributes, those only a superuser may give one by
 * one; with the source's password hash only when the source let us read it), or is mapped, or is left out with a warning.
 */
import { runQuery, type Session } from '../endpoints/postgres/run-query.js';
import { isNotExtensionMember, isUserSchema, quoteIdent } from '../endpoints/postgres/sql.js';
import { renderCreateRole, type RoleResolver } from '../model/ddl/render-privileges.js';
import type { Finding } from '../model/findings.js';
import type { SchemaModel } from '../model/schema-model.js';
import { dropServerObjectsAfterSchemas, dropServerObjectsBeforeSchemas } from './drop-server-objects.js';
import { giveSuperuserAttributes } from './role-attributes.js';

export interface OwnerSettings {
  /** Source role → target role. */
  readonly map: Readonly<Record<string, string>>;
  /** Leave every object owned by the connecting target user; grants go only to mapped roles. */
  readonly drop: boolean;
}

/**
 * Drops every user schema on the target (and with it what it holds), and the server-level objects beside them an
 * earlier run created (event triggers, publications, foreign data, languages), then recreates an empty public.
 */
export async function emptyTarget(target: Session): Promise<string[]> {
  await dropServerObjectsBeforeSchemas(target);
  const schemas = await runQuery<{ name: string }>(
    target,
    'schemas to drop',
    `SELECT nspname AS name FROM pg_namespace n WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_namespace', 'n.oid')} ORDER BY 1`,
  );
  for (const { name } of schemas) await runQuery(target, `dropping schema ${name}`, `DROP SCHEMA ${quoteIdent(name)} CASCADE`);
  await dropServerObjectsAfterSchemas(target);
  await runQuery(target, 'an empty public schema', 'CREATE SCHEMA IF NOT EXISTS public');
  return schemas.map((s) => s.name);
}

export async function provisionRoles(model: SchemaModel, target: Session, owners: OwnerSettings): Promise<{ resolve: RoleResolver; warnings: Finding[] }> {
  const warnings: Finding[] = [];
  const wanted = model.roles.map((r) => owners.map[r.name] ?? r.name);
  const existing = new Set(
    (await runQuery<{ name: string }>(target, 'existing roles', 'SELECT rolname AS name FROM pg_roles WHERE rolname = ANY($1)', [wanted])).map((r) => r.name),
  );
  const resolved = new Map<string, string | null>();
  const withoutPassword: string[] = [];
  for (const role of model.roles) {
    const mapped = owners.map[role.name];
    if (owners.drop || (mapped !== undefined && !existing.has(mapped))) {
      if (mapped !== undefined && !existing.has(mapped)) {
        warnings.push({ code: 'ROLE_MAP_MISSING', message: `owners.map sends ${role.name} to ${mapped}, which does not exist on the target`, hint: 'Create that role on the target or fix the mapping.' });
      }
      resolved.set(role.name, mapped !== undefined && existing.has(mapped) ? mapped : null);
      continue;
    }
    const name = mapped ?? role.name;
    if (existing.has(name)) {
      resolved.set(role.name, name);
      continue;
    }
    try {
      await target.client.query(renderCreateRole(role));
      resolved.set(role.name, name);
      warnings.push(...(await giveSuperuserAttributes(target, role, name)));
      if (role.canLogin && !role.passwordHash) withoutPassword.push(name);
    } catch (error) {
      resolved.set(role.name, null);
      warnings.push({
        code: 'ROLE_NOT_CREATED',
        message: `the target refused to create role ${role.name} (${(error as Error).message}); what it owns stays owned by the connecting user and its grants are left out`,
        hint: `Create the role on the target first, or map it with owners.map: { ${role.name}: <existing role> }.`,
      });
    }
  }
  if (withoutPassword.length > 0) {
    warnings.push({
      code: 'ROLE_PASSWORD_NOT_COPIED',
      message: `login role(s) created without a password: ${withoutPassword.join(', ')} (the source's password hashes could not be read)`,
      hint: 'Set their passwords on the target with ALTER ROLE … PASSWORD before the application connects.',
    });
  }
  return { resolve: (role) => resolved.get(role) ?? null, warnings };
}
