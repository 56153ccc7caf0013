/**
 * Reads the access model: default privileges, column grants, role memberships, database and role settings, and
 * extension members whose privileges differ from those their extension gave them. Needs search_path = ''.
 */
import type { AccessModel, ColumnGrantDef, DefaultPrivilegeDef, ExtensionMemberPrivilegeDef, RoleMembershipDef, SettingDef } from '../../../model/access-model.js';
import { sortGrants } from '../../../model/access-diff.js';
import type { Grant } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

/** SQL expression: the rows of an aclexplode-like set as a JSON array of grants (grantee null = PUBLIC). */
function grantsOf(rows: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('grantee', CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END,
                                                     'privilege', a.privilege_type, 'grantable', a.is_grantable)), '[]'::json)
             FROM (${rows}) a)`;
}

const defaultAclTypes: Readonly<Record<string, DefaultPrivilegeDef['objectType']>> = {
  r: 'TABLES',
  S: 'SEQUENCES',
  f: 'FUNCTIONS',
  T: 'TYPES',
  n: 'SCHEMAS',
  L: 'LARGE OBJECTS',
};

async function readDefaultPrivileges(session: Session): Promise<DefaultPrivilegeDef[]> {
  const rows = await runQuery<{ role: string; schema: string | null; type: string; grants: Grant[] }>(
    session,
    'default privileges',
    `SELECT pg_get_userbyid(d.defaclrole) AS role, n.nspname AS schema, d.defaclobjtype AS type,
            ${grantsOf('SELECT * FROM aclexplode(d.defaclacl)')} AS grants
       FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
      ORDER BY 1, 2 NULLS FIRST, 3`,
  );
  return rows.map((r) => ({ role: r.role, schema: r.schema, objectType: defaultAclTypes[r.type] ?? 'TABLES', grants: sortGrants(r.grants) }));
}

async function readColumnGrants(session: Session): Promise<ColumnGrantDef[]> {
  const rows = await runQuery<{ schema: string; table: string; column: string; grants: Grant[] }>(
    session,
    'column grants',
    `SELECT n.nspname AS schema, c.relname AS table, a.attname AS column,
            ${grantsOf('SELECT * FROM aclexplode(a.attacl) x WHERE x.grantee <> c.relowner')} AS grants
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND ${isUserSchema('n.nspname')}
        AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 1, 2, a.attnum`,
  );
  return rows.filter((r) => r.grants.length > 0).map((r) => ({ table: { schema: r.schema, name: r.table }, column: r.column, grants: sortGrants(r.grants) }));
}

/**
 * Memberships of the named roles and, transitively, of the (non-predefined) roles they belong to; returns the
 * roles that closure added. Before 16 there are no INHERIT / SET options: the member's INHERIT and true apply.
 */
async function readMemberships(session: Session, named: readonly string[]): Promise<{ memberships: RoleMembershipDef[]; groups: string[] }> {
  const rows = await runQuery<RoleMembershipDef>(
    session,
    'role memberships',
    `WITH RECURSIVE closure(oid) AS (
       SELECT oid FROM pg_roles WHERE rolname = ANY($1) AND oid >= 16384
        UNION
       SELECT m.roleid FROM pg_auth_members m JOIN closure c ON c.oid = m.member WHERE m.roleid >= 16384)
     SELECT pg_get_userbyid(m.roleid) AS role, pg_get_userbyid(m.member) AS member, m.admin_option AS admin,
            coalesce((to_jsonb(m) ->> 'inherit_option')::boolean, r.rolinherit) AS inherit,
            coalesce((to_jsonb(m) ->> 'set_option')::boolean, true) AS "set",
            CASE WHEN g.rolsuper OR g.rolname = current_user THEN NULL ELSE g.rolname END AS grantor
       FROM pg_auth_members m JOIN closure c ON c.oid = m.member JOIN pg_roles r ON r.oid = m.member
       LEFT JOIN pg_roles g ON g.oid = m.grantor
      -- From 16 a role created by a non-superuser is granted to its creator (ADMIN, without INHERIT or SET): on a
      -- managed target that is the connecting user's own bookkeeping, not something of the source.
      WHERE NOT (r.rolname = current_user AND NOT r.rolsuper AND m.admin_option
                 AND (to_jsonb(m) ->> 'inherit_option') = 'false' AND (to_jsonb(m) ->> 'set_option') = 'false')
      ORDER BY 2, 1`,
    [named],
  );
  const known = new Set(named);
  const groups = [...new Set(rows.flatMap((r) => [r.role, r.member]))].filter((name) => !known.has(name) && !name.startsWith('pg_'));
  return { memberships: rows, groups };
}

async function readSettings(session: Session, roles: readonly string[]): Promise<SettingDef[]> {
  const rows = await runQuery<{ role: string | null; every: boolean; setting: string }>(
    session,
    'database and role settings',
    `SELECT CASE WHEN s.setrole = 0 THEN NULL ELSE pg_get_userbyid(s.setrole) END AS role, s.setdatabase = 0 AS every, c.setting
       FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) AS c(setting)
      WHERE (s.setrole = 0 AND s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()))
         OR (s.setrole IN (SELECT oid FROM pg_roles WHERE rolname = ANY($1))
             AND s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database())))
      ORDER BY 1 NULLS FIRST, 2, 3`,
    [roles],
  );
  return rows.map((r) => {
    const at = r.setting.indexOf('=');
    return { role: r.role, scope: r.every ? 'every database' : 'this database', name: r.setting.slice(0, at), value: r.setting.slice(at + 1) };
  });
}

/** pg_identify_object's type → the GRANT … ON keyword for extension members. */
const memberKeywords: Readonly<Record<string, string>> = {
  table: 'TABLE',
  view: 'TABLE',
  'materialized view': 'TABLE',
  sequence: 'SEQUENCE',
  function: 'FUNCTION',
  aggregate: 'FUNCTION',
  procedure: 'PROCEDURE',
  type: 'TYPE',
  domain: 'DOMAIN',
  schema: 'SCHEMA',
};

/**
 * The member's ACL now against the one its extension script left: pg_init_privs, or the built-in default when the
 * script set none (pg_init_privs only records ACLs that were not the default).
 */
async function readExtensionMemberPrivileges(session: Session): Promise<ExtensionMemberPrivilegeDef[]> {
  const rows = await runQuery<{ extension: string; type: string; identity: string; owner: string; granted: Grant[]; revoked: Grant[] }>(
    session,
    'changed privileges of extension members',
    `SELECT e.extname AS extension, o.type, o.identity, pg_get_userbyid(m.owner) AS owner,
            ${grantsOf(`SELECT grantee, privilege_type, is_grantable FROM aclexplode(m.acl) WHERE grantee <> m.owner
                        EXCEPT SELECT grantee, privilege_type, is_grantable FROM aclexplode(m.initial)`)} AS granted,
            ${grantsOf(`SELECT grantee, privilege_type, is_grantable FROM aclexplode(m.initial) WHERE grantee <> m.owner
                        EXCEPT SELECT grantee, privilege_type, is_grantable FROM aclexplode(m.acl)`)} AS revoked
       FROM pg_depend d
       JOIN pg_extension e ON e.oid = d.refobjid
       CROSS JOIN LATERAL (
         SELECT c.relacl, acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char", c.relowner), c.relowner FROM pg_class c
          WHERE d.classid = 'pg_class'::regclass AND c.oid = d.objid
         UNION ALL
         SELECT p.proacl, acldefault('f'::"char", p.proowner), p.proowner FROM pg_proc p WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid
         UNION ALL
         SELECT t.typacl, acldefault('T'::"char", t.typowner), t.typowner FROM pg_type t WHERE d.classid = 'pg_type'::regclass AND t.oid = d.objid
         UNION ALL
         SELECT n.nspacl, acldefault('n'::"char", n.nspowner), n.nspowner FROM pg_namespace n WHERE d.classid = 'pg_namespace'::regclass AND n.oid = d.objid
       ) AS now(acl, builtin, owner)
       LEFT JOIN pg_init_privs i ON i.classoid = d.classid AND i.objoid = d.objid AND i.objsubid = 0
       CROSS JOIN LATERAL (SELECT coalesce(now.acl, now.builtin) AS acl, coalesce(i.initprivs, now.builtin) AS initial, now.owner) AS m
       CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, 0) o
      WHERE d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass AND now.acl IS DISTINCT FROM i.initprivs
      ORDER BY 1, 2, 3`,
  );
  return rows
    .filter((r) => memberKeywords[r.type] !== undefined && (r.granted.length > 0 || r.revoked.length > 0))
    .map((r) => ({
      extension: r.extension,
      target: `${memberKeywords[r.type]} ${r.identity}`,
      owner: r.owner,
      granted: sortGrants(r.granted),
      revoked: sortGrants(r.revoked),
    }));
}

/** `named`: the roles the schema names. Returns the access model and the roles memberships add to them. */
export async function readAccess(session: Session, named: readonly string[]): Promise<{ access: AccessModel; roles: string[] }> {
  const defaultPrivileges = await readDefaultPrivileges(session);
  const columnGrants = await readColumnGrants(session);
  const extensionMemberPrivileges = await readExtensionMemberPrivileges(session);
  const grantees = (grants: readonly Grant[]) => grants.flatMap((g) => (g.grantee ? [g.grantee] : []));
  const direct = new Set([
    ...named,
    ...defaultPrivileges.flatMap((d) => [d.role, ...grantees(d.grants)]),
    ...columnGrants.flatMap((c) => grantees(c.grants)),
    ...extensionMemberPrivileges.flatMap((m) => [...grantees(m.granted), ...grantees(m.revoked)]),
  ]);
  const { memberships, groups } = await readMemberships(session, [...direct]);
  const roles = [...direct, ...groups];
  const settings = await readSettings(session, roles);
  return { access: { defaultPrivileges, columnGrants, memberships, settings, extensionMemberPrivileges }, roles };
}
