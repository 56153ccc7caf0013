/**
 * Pure: statements of a restore script that must not depend on what the restoring server holds or calls things:
 * roles created only where missing, settings of whichever database the script runs in, sequence values.
 */
import type { SettingDef } from '../access-model.js';
import type { ExtensionDef, RoleDef } from '../schema-model.js';
import { settingValue, renderSuperuserAttributes } from './render-access.js';
import { renderCreateRole } from './render-privileges.js';
import { qualifiedName, quoteIdent, quoteLiteral } from './quote.js';

/** `body` as a dollar-quoted string whose tag does not occur in it. */
export function dollarQuote(body: string): string {
  let tag = '$pgferry$';
  for (let n = 1; body.includes(tag); n += 1) tag = `$pgferry${n}$`;
  return `${tag}${body}${tag}`;
}

/**
 * Creates the role unless the server has one of that name (roles belong to the whole server: another database may
 * have made it). The attributes only a superuser may give are each tried on their own; a refusal is a warning.
 */
export function renderCreateRoleIfMissing(role: RoleDef): string {
  const attributes = renderSuperuserAttributes(role, role.name).map(
    (a) => `    BEGIN ${a.statement}; EXCEPTION WHEN insufficient_privilege THEN RAISE WARNING '%', ${quoteLiteral(`role ${role.name} was created without ${a.attribute}: `)} || SQLERRM; END;`,
  );
  const body = [
    '',
    'BEGIN',
    `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${quoteLiteral(role.name)}) THEN`,
    `    ${renderCreateRole(role)};`,
    ...attributes,
    '  END IF;',
    'END',
    '',
  ].join('\n');
  return `DO ${dollarQuote(body)}`;
}

/**
 * Creates the extension at the source's version where the server offers it (so the restored database equals the
 * source), else at the server's default version with a warning; one already there is used as it is.
 */
export function renderCreateExtensionAtVersion(extension: ExtensionDef): string {
  const create = `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extension.name)} WITH SCHEMA ${quoteIdent(extension.schema)}`;
  const warning = quoteLiteral(`extension ${extension.name} ${extension.version} is not offered by this server: created at its default version`);
  const body = [
    '',
    'BEGIN',
    `  ${create} VERSION ${quoteLiteral(extension.version)};`,
    'EXCEPTION WHEN invalid_parameter_value THEN',
    `  RAISE WARNING ${warning};`,
    `  ${create};`,
    'END',
    '',
  ].join('\n');
  return `DO ${dollarQuote(body)}`;
}

/** Whether a setting is given in one database (ALTER DATABASE, ALTER ROLE … IN DATABASE), whose name a restore chooses. */
export function namesDatabase(setting: SettingDef): boolean {
  return setting.role === null || setting.scope === 'this database';
}

/**
 * A database setting, or a role's setting in this database, given to the database the statement runs in
 * (current_database()), whatever it is called. `role` is the role it is for on the target (unused for a database setting).
 */
export function renderCurrentDatabaseSetting(setting: SettingDef, role: string | null): string {
  const value = quoteLiteral(settingValue(setting.name, setting.value));
  const alter = role === null ? `'ALTER DATABASE %I SET %I TO %s', current_database()` : `'ALTER ROLE %I IN DATABASE %I SET %I TO %s', ${quoteLiteral(role)}, current_database()`;
  return `DO ${dollarQuote(`\nBEGIN\n  EXECUTE format(${alter}, ${quoteLiteral(setting.name)}, ${value});\nEND\n`)}`;
}

/** Gives a sequence the state it had: the next nextval returns lastValue when isCalled is false, the one after it otherwise. */
export function renderSetval(sequence: { readonly schema: string; readonly name: string; readonly lastValue: string; readonly isCalled: boolean }): string {
  if (!/^-?\d+$/.test(sequence.lastValue)) throw new Error(`sequence ${sequence.schema}.${sequence.name}: last value ${sequence.lastValue} is not an integer`);
  return `SELECT pg_catalog.setval(${quoteLiteral(qualifiedName(sequence.schema, sequence.name))}, ${sequence.lastValue}, ${sequence.isCalled})`;
}
