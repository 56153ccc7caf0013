/** User tables with kind, persistence, size, key and replica identity; exact counts come from count(*). */
import type { TableFacts } from '../../../model/inventory.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema, qualifiedName } from '../sql.js';

interface TableRow {
  schema: string;
  name: string;
  relkind: 'r' | 'p';
  relispartition: boolean;
  relpersistence: string;
  estimated_rows: string;
  total_bytes: string;
  data_bytes: string;
  has_primary_key: boolean;
  relreplident: 'd' | 'n' | 'f' | 'i';
  row_security_applies: boolean;
}

const replicaIdentities = { d: 'default', n: 'nothing', f: 'full', i: 'index' } as const;

/** Lists user tables with the planner's row estimate (reltuples; -1 "never analyzed" becomes 0). */
export async function listTables(session: Session): Promise<TableFacts[]> {
  const rows = await runQuery<TableRow>(
    session,
    'the list of tables',
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind, c.relispartition, c.relpersistence,
            greatest(c.reltuples, 0)::bigint AS estimated_rows,
            pg_total_relation_size(c.oid) AS total_bytes, pg_table_size(c.oid) AS data_bytes,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') AS has_primary_key,
            c.relreplident,
            -- Superusers and BYPASSRLS roles always bypass row-level security; an owner (or a member inheriting
            -- its rights) does unless FORCE ROW LEVEL SECURITY is set. Everyone else sees only what policies allow.
            c.relrowsecurity AND NOT (me.rolsuper OR me.rolbypassrls)
              AND (c.relforcerowsecurity OR NOT pg_catalog.pg_has_role(c.relowner, 'USAGE')) AS row_security_applies
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN (SELECT rolsuper, rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = current_user) me
      WHERE c.relkind IN ('r', 'p') AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 1, 2`,
  );
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    kind: r.relkind === 'p' ? 'partitioned' : r.relispartition ? 'partition' : 'table',
    unlogged: r.relpersistence === 'u',
    rows: Number(r.estimated_rows),
    rowsExact: false,
    totalBytes: Number(r.total_bytes),
    dataBytes: Number(r.data_bytes),
    hasPrimaryKey: r.has_primary_key,
    replicaIdentity: replicaIdentities[r.relreplident],
    rowSecurityApplies: r.row_security_applies,
  }));
}

/** Exact row count of one table; a partitioned table counts the rows of all its partitions. */
export async function countRows(session: Session, table: Pick<TableFacts, 'schema' | 'name' | 'kind'>): Promise<number> {
  const only = table.kind === 'partitioned' ? '' : 'ONLY ';
  const [row] = await runQuery<{ count: string }>(
    session,
    `the row count of ${table.schema}.${table.name}`,
    `SELECT count(*) AS count FROM ${only}${qualifiedName(table.schema, table.name)}`,
  );
  return Number(row!.count);
}
