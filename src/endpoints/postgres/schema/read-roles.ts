/** The roles a schema refers to (owners, grantees, policy roles), with the attributes needed to recreate them. */
import type { RoleDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { serverErrorFields } from '../server-error.js';

interface RoleRow {
  name: string;
  can_login: boolean;
  inherit: boolean;
  create_db: boolean;
  create_role: boolean;
  connection_limit: number;
  superuser: boolean;
  replication: boolean;
  bypass_rls: boolean;
  valid_until: string | null;
}

export async function readRoles(session: Session, names: readonly string[]): Promise<RoleDef[]> {
  const rows = await runQuery<RoleRow>(
    session,
    'roles',
    `SELECT rolname AS name, rolcanlogin AS can_login, rolinherit AS inherit, rolcreatedb AS create_db,
            rolcreaterole AS create_role, rolconnlimit AS connection_limit, rolsuper AS superuser,
            rolreplication AS replication, rolbypassrls AS bypass_rls,
            CASE WHEN isfinite(rolvaliduntil) THEN to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'
                 ELSE rolvaliduntil::text END AS valid_until
       FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1`,
    [names],
  );
  const hashes = await readPasswordHashes(session, names);
  return rows.map((r) => ({
    name: r.name,
    canLogin: r.can_login,
    inherit: r.inherit,
    createDb: r.create_db,
    createRole: r.create_role,
    connectionLimit: r.connection_limit,
    superuser: r.superuser,
    replication: r.replication,
    bypassRls: r.bypass_rls,
    validUntil: r.valid_until,
    passwordHash: hashes?.get(r.name) ?? null,
    passwordReadable: hashes !== undefined,
  }));
}

/** pg_authid is closed to all but superusers (and on managed servers to everyone): undefined when refused. */
async function readPasswordHashes(session: Session, names: readonly string[]): Promise<Map<string, string> | undefined> {
  try {
    const { rows } = await session.client.query<{ name: string; hash: string | null }>(
      'SELECT rolname AS name, rolpassword AS hash FROM pg_authid WHERE rolname = ANY($1)',
      [names],
    );
    return new Map(rows.filter((r) => r.hash !== null).map((r) => [r.name, r.hash!]));
  } catch (error) {
    if (serverErrorFields(error).sqlState === '42501') return undefined;
    throw error;
  }
}
