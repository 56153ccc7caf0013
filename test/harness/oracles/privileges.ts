/**
 * The privileges area's oracle: role attributes and memberships, database and role settings, default privileges,
 * column grants, identity sequences' grants, extension members' changed privileges, and the comments on domain
 * constraints, composite-type columns, the public schema and extensions — read with catalog queries of its own.
 */
import type pg from 'pg';
import type { KindOracle } from './oracle.js';

/** Every non-bootstrap, non-predefined role this database names (owners, ACLs, settings) and the roles they belong to. */
const rolesOfDatabase = `
  WITH RECURSIVE acl(item) AS (
      SELECT unnest(relacl) FROM pg_class UNION ALL SELECT unnest(attacl) FROM pg_attribute
      UNION ALL SELECT unnest(nspacl) FROM pg_namespace UNION ALL SELECT unnest(proacl) FROM pg_proc
      UNION ALL SELECT unnest(typacl) FROM pg_type UNION ALL SELECT unnest(defaclacl) FROM pg_default_acl),
    direct(oid) AS (
      SELECT (aclexplode(ARRAY[item])).grantee FROM acl
      UNION SELECT relowner FROM pg_class UNION SELECT nspowner FROM pg_namespace UNION SELECT defaclrole FROM pg_default_acl
      UNION SELECT setrole FROM pg_db_role_setting WHERE setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))),
    named(oid) AS (
      SELECT oid FROM direct WHERE oid >= 16384
      UNION SELECT m.roleid FROM pg_auth_members m JOIN named n ON n.oid = m.member WHERE m.roleid >= 16384)
  SELECT oid FROM named`;

async function rows<T>(client: pg.Client, sql: string): Promise<T[]> {
  return (await client.query(sql)).rows as T[];
}

export const privilegesOracle: KindOracle = {
  area: 'privileges',
  async snapshot(client) {
    await client.query("SET search_path = pg_catalog");
    const snapshot: Record<string, unknown> = {};
    const stripGrantor = (items: string[] | null) => (items ?? []).map((i) => i.replace(/\/.*$/, '')).sort();
    for (const r of await rows<Record<string, unknown> & { rolname: string }>(
      client,
      `SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit,
              to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS valid_until, rolvaliduntil = 'infinity' AS forever
         FROM pg_roles WHERE oid IN (${rolesOfDatabase})`,
    )) {
      const { rolname, ...attributes } = r;
      snapshot[`role ${rolname}`] = attributes;
    }
    for (const m of await rows<{ member: string; role: string; admin: boolean; inherit: boolean; set: boolean }>(
      client,
      `SELECT mr.rolname AS member, gr.rolname AS role, m.admin_option AS admin,
              coalesce((to_jsonb(m) ->> 'inherit_option')::boolean, mr.rolinherit) AS inherit,
              coalesce((to_jsonb(m) ->> 'set_option')::boolean, true) AS "set"
         FROM pg_auth_members m JOIN pg_roles mr ON mr.oid = m.member JOIN pg_roles gr ON gr.oid = m.roleid
        WHERE m.member IN (${rolesOfDatabase})`,
    )) {
      snapshot[`membership ${m.member} in ${m.role}`] = { admin: m.admin, inherit: m.inherit, set: m.set };
    }
    for (const s of await rows<{ role: string | null; every: boolean; config: string[] }>(
      client,
      `SELECT r.rolname AS role, s.setdatabase = 0 AS every, s.setconfig AS config FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole
        WHERE (s.setrole = 0 AND s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()))
           OR (s.setrole IN (${rolesOfDatabase}) AND s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database())))`,
    )) {
      const label = s.role === null ? 'database settings of <database>' : `settings of role ${s.role} in ${s.every ? 'every database' : '<database>'}`;
      snapshot[label] = [...s.config].sort();
    }
    for (const d of await rows<{ role: string; schema: string | null; type: string; acl: string[] }>(
      client,
      `SELECT pg_get_userbyid(defaclrole) AS role, n.nspname AS schema, defaclobjtype AS type, defaclacl::text[] AS acl
         FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace`,
    )) {
      snapshot[`default acl of ${d.role} in ${d.schema ?? '*'} for ${d.type}`] = stripGrantor(d.acl);
    }
    for (const c of await rows<{ name: string; acl: string[] }>(
      client,
      `SELECT format('%s.%s', a.attrelid::regclass, a.attname) AS name, a.attacl::text[] AS acl FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid WHERE a.attacl IS NOT NULL AND c.relnamespace <> 'pg_catalog'::regnamespace`,
    )) {
      snapshot[`column acl ${c.name}`] = stripGrantor(c.acl);
    }
    for (const s of await rows<{ name: string; acl: string[] | null }>(
      client,
      `SELECT c.oid::regclass::text AS name, c.relacl::text[] AS acl FROM pg_class c
         JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i'
        WHERE c.relkind = 'S'`,
    )) {
      snapshot[`identity sequence acl ${s.name}`] = stripGrantor(s.acl);
    }
    for (const e of await rows<{ name: string; acl: string[] | null }>(
      client,
      `SELECT p.oid::regprocedure::text AS name, p.proacl::text[] AS acl
         FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid AND d.deptype = 'e'
         LEFT JOIN pg_init_privs i ON i.classoid = 'pg_proc'::regclass AND i.objoid = p.oid
        WHERE p.proacl IS DISTINCT FROM coalesce(i.initprivs, acldefault('f', p.proowner))
       UNION ALL
       SELECT c.oid::regclass::text, c.relacl::text[]
         FROM pg_depend d JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid AND d.deptype = 'e'
         LEFT JOIN pg_init_privs i ON i.classoid = 'pg_class'::regclass AND i.objoid = c.oid AND i.objsubid = 0
        WHERE c.relacl IS DISTINCT FROM coalesce(i.initprivs, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner))`,
    )) {
      snapshot[`extension member acl ${e.name}`] = stripGrantor(e.acl);
    }
    for (const c of await rows<{ what: string; text: string | null }>(
      client,
      `SELECT format('domain constraint %s on %s', c.conname, c.contypid::regtype) AS what, obj_description(c.oid, 'pg_constraint') AS text
         FROM pg_constraint c WHERE c.contypid <> 0 AND obj_description(c.oid, 'pg_constraint') IS NOT NULL
       UNION ALL
       SELECT format('composite column %s.%s', t.oid::regtype, a.attname), col_description(t.typrelid, a.attnum)
         FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid
        WHERE t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c' AND t.typnamespace <> 'pg_catalog'::regnamespace AND col_description(t.typrelid, a.attnum) IS NOT NULL
       UNION ALL
       SELECT 'schema public', obj_description('public'::regnamespace, 'pg_namespace')
       UNION ALL
       SELECT format('extension %s', extname), obj_description(oid, 'pg_extension') FROM pg_extension WHERE extname <> 'plpgsql'`,
    )) {
      snapshot[`comment on ${c.what}`] = c.text;
    }
    return snapshot;
  },
  // REPLICATION and BYPASSRLS need a superuser; so do custom (placeholder) settings such as app.*; and ALTER DEFAULT
  // PRIVILEGES FOR ROLE needs the privileges of that role, which CREATEROLE does not give its creator.
  refusedWithoutSuperuser: [
    'role privs_replicator',
    'role privs_bypasser',
    'database settings of <database>',
    'settings of role privs_reader in every database',
    'default acl of privs_owner in * for S',
    'default acl of privs_owner in * for f',
    'default acl of privs_owner in access for r',
    // A trusted extension's members belong to the bootstrap superuser, whoever creates it.
    'extension member acl public.similarity(text,text)',
  ],
};
