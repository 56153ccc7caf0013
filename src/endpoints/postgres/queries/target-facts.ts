/** What only matters of a target: is it empty, may we create what we need, which extensions it offers. */
import type { AvailableExtension, TargetPrivileges } from '../../../model/inventory.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

/** User objects already on the target (a sample of names, and how many in all). */
export async function listExistingObjects(session: Session, sampleSize = 10): Promise<{ names: string[]; count: number }> {
  const rows = await runQuery<{ name: string; total: string }>(
    session,
    'objects already on the target',
    `WITH objects AS (
       SELECT format('%s %I.%I', CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                     WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' END,
                     n.nspname, c.relname) AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
       UNION ALL
       SELECT format('function %I.%I', n.nspname, p.proname)
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_proc', 'p.oid')}
       UNION ALL
       SELECT format('type %I.%I', n.nspname, t.typname)
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype IN ('e', 'd', 'r', 'm') AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_type', 't.oid')}
       UNION ALL
       SELECT format('schema %I', n.nspname) FROM pg_namespace n
        WHERE ${isUserSchema('n.nspname')} AND n.nspname <> 'public' AND ${isNotExtensionMember('pg_namespace', 'n.oid')}
     )
     SELECT name, count(*) OVER () AS total FROM objects ORDER BY name LIMIT $1`,
    [sampleSize],
  );
  return { names: rows.map((r) => r.name), count: Number(rows[0]?.total ?? 0) };
}

/** Whether the connected role may create schemas, and the existing schemas among `schemas` where it may not create objects. */
export async function readTargetPrivileges(session: Session, schemas: readonly string[]): Promise<TargetPrivileges> {
  const [row] = await runQuery<{ can_create_schemas: boolean; schemas_without_create: string[]; existing: string[] }>(
    session,
    'privileges of the connected role',
    `SELECT has_database_privilege(current_database(), 'CREATE') AS can_create_schemas,
            coalesce(array_agg(n.nspname::text ORDER BY n.nspname) FILTER (WHERE NOT has_schema_privilege(n.oid, 'CREATE')), '{}') AS schemas_without_create,
            coalesce(array_agg(n.nspname::text), '{}') AS existing
       FROM pg_namespace n WHERE n.nspname = ANY($1)`,
    [schemas],
  );
  return {
    canCreateSchemas: row!.can_create_schemas,
    schemasWithoutCreate: row!.schemas_without_create,
    missingSchemas: schemas.filter((s) => !row!.existing.includes(s)),
  };
}

export async function listAvailableExtensions(session: Session): Promise<AvailableExtension[]> {
  const rows = await runQuery<{ name: string; default_version: string; installed_version: string | null; versions: string[] }>(
    session,
    'available extensions (pg_available_extensions)',
    `SELECT e.name, e.default_version, e.installed_version,
            ARRAY(SELECT v.version FROM pg_available_extension_versions v WHERE v.name = e.name ORDER BY 1)::text[] AS versions
       FROM pg_available_extensions e ORDER BY e.name`,
  );
  return rows.map((r) => ({ name: r.name, defaultVersion: r.default_version, installedVersion: r.installed_version, versions: r.versions }));
}
