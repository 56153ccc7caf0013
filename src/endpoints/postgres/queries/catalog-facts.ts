/** Schemas, extensions, roles, sequences and large objects of the connected database. */
import type { ExtensionFacts, RoleFacts, SequenceFacts } from '../../../model/inventory.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

export async function listSchemas(session: Session): Promise<string[]> {
  const rows = await runQuery<{ name: string }>(
    session,
    'the list of schemas',
    `SELECT nspname AS name FROM pg_namespace n
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_namespace', 'n.oid')}
      ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

export async function listExtensions(session: Session): Promise<ExtensionFacts[]> {
  return runQuery<ExtensionFacts>(
    session,
    'installed extensions',
    `SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema
       FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      ORDER BY 1`,
  );
}

interface RoleRow {
  name: string;
  superuser: boolean;
  can_login: boolean;
  owned_objects: string;
  grants: string;
}

/** Roles that own a user object (schema, relation, routine, type) or hold a grant on one or on the database. */
export async function listRolesInUse(session: Session): Promise<RoleFacts[]> {
  const rows = await runQuery<RoleRow>(
    session,
    'roles that own objects or hold grants',
    `WITH user_namespaces AS (
            SELECT oid, nspowner, nspacl FROM pg_namespace n WHERE ${isUserSchema('n.nspname')}
          ),
          owners AS (
            SELECT nspowner AS role FROM user_namespaces
            UNION ALL SELECT c.relowner FROM pg_class c JOIN user_namespaces n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
            UNION ALL SELECT p.proowner FROM pg_proc p JOIN user_namespaces n ON n.oid = p.pronamespace
            UNION ALL SELECT t.typowner FROM pg_type t JOIN user_namespaces n ON n.oid = t.typnamespace
             WHERE t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
          ),
          grantees AS (
            SELECT (aclexplode(nspacl)).grantee AS role FROM user_namespaces WHERE nspacl IS NOT NULL
            UNION ALL SELECT (aclexplode(c.relacl)).grantee FROM pg_class c JOIN user_namespaces n ON n.oid = c.relnamespace
             WHERE c.relacl IS NOT NULL
            UNION ALL SELECT (aclexplode(p.proacl)).grantee FROM pg_proc p JOIN user_namespaces n ON n.oid = p.pronamespace
             WHERE p.proacl IS NOT NULL
            UNION ALL SELECT (aclexplode(datacl)).grantee FROM pg_database
             WHERE datname = current_database() AND datacl IS NOT NULL
          )
     SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolcanlogin AS can_login,
            (SELECT count(*) FROM owners o WHERE o.role = r.oid) AS owned_objects,
            (SELECT count(*) FROM grantees g WHERE g.role = r.oid) AS grants
       FROM pg_roles r
      WHERE r.oid IN (SELECT role FROM owners UNION SELECT role FROM grantees)
      ORDER BY 1`,
  );
  return rows.map((r) => ({
    name: r.name,
    superuser: r.superuser,
    canLogin: r.can_login,
    ownedObjects: Number(r.owned_objects),
    grants: Number(r.grants),
  }));
}

export async function listSequences(session: Session): Promise<SequenceFacts[]> {
  const rows = await runQuery<{ schema: string; name: string; data_type: string; last_value: string | null }>(
    session,
    'sequences',
    `SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS data_type,
            CASE WHEN has_sequence_privilege(c.oid, 'SELECT') THEN (SELECT ps.last_value::text FROM pg_sequences ps
                  WHERE ps.schemaname = n.nspname AND ps.sequencename = c.relname) END AS last_value
       FROM pg_sequence s
       JOIN pg_class c ON c.oid = s.seqrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ schema: r.schema, name: r.name, dataType: r.data_type, lastValue: r.last_value }));
}

export async function countLargeObjects(session: Session): Promise<number> {
  const [row] = await runQuery<{ count: string }>(
    session,
    'large objects',
    'SELECT count(*) AS count FROM pg_largeobject_metadata',
  );
  return Number(row!.count);
}
