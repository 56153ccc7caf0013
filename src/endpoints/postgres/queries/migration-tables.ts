/** Finds the bookkeeping tables of schema-migration tools and reads the version each says is applied. */
import type { MigrationTableFacts } from '../../../model/inventory.js';
import { runQuery, type Session } from '../run-query.js';
import { isUserSchema, qualifiedName } from '../sql.js';

interface MigrationTool {
  readonly tool: string;
  readonly table: string;
  /** SQL giving the applied version, given the table's qualified name. */
  readonly currentVersion: (table: string) => string;
}

const migrationTools: readonly MigrationTool[] = [
  { tool: 'alembic', table: 'alembic_version', currentVersion: (t) => `SELECT string_agg(version_num, ', ' ORDER BY version_num) FROM ${t}` },
  { tool: 'rails/ecto', table: 'schema_migrations', currentVersion: (t) => `SELECT max(version)::text FROM ${t}` },
  { tool: 'knex', table: 'knex_migrations', currentVersion: (t) => `SELECT name FROM ${t} ORDER BY id DESC LIMIT 1` },
  {
    tool: 'prisma',
    table: '_prisma_migrations',
    currentVersion: (t) =>
      `SELECT migration_name FROM ${t} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY finished_at DESC, migration_name DESC LIMIT 1`,
  },
  {
    tool: 'flyway',
    table: 'flyway_schema_history',
    currentVersion: (t) => `SELECT version FROM ${t} WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1`,
  },
  {
    tool: 'django',
    table: 'django_migrations',
    currentVersion: (t) => `SELECT app || '.' || name FROM ${t} ORDER BY applied DESC, id DESC LIMIT 1`,
  },
  {
    tool: 'goose',
    table: 'goose_db_version',
    currentVersion: (t) => `SELECT version_id::text FROM ${t} WHERE is_applied ORDER BY id DESC LIMIT 1`,
  },
];

export async function readMigrationTables(session: Session): Promise<MigrationTableFacts[]> {
  const found = await runQuery<{ schema: string; table: string }>(
    session,
    'schema-migration tables',
    `SELECT n.nspname AS schema, c.relname AS table
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND c.relname = ANY($1) AND ${isUserSchema('n.nspname')}
      ORDER BY 1, 2`,
    [migrationTools.map((t) => t.table)],
  );
  const facts: MigrationTableFacts[] = [];
  for (const { schema, table } of found) {
    const tool = migrationTools.find((t) => t.table === table)!;
    const name = qualifiedName(schema, table);
    const [row] = await readVersion(session, tool, name);
    facts.push({ tool: tool.tool, schema, table, currentVersion: row?.current_version ?? null, entries: Number(row?.entries ?? 0) });
  }
  return facts;
}

/** A table of that name made by something else may lack the tool's columns: then only the entries are counted. */
async function readVersion(session: Session, tool: MigrationTool, name: string) {
  const purpose = `the ${tool.tool} version in ${name}`;
  try {
    return await runQuery<{ current_version: string | null; entries: string }>(
      session,
      purpose,
      `SELECT (${tool.currentVersion(name)}) AS current_version, (SELECT count(*) FROM ${name}) AS entries`,
    );
  } catch {
    return runQuery<{ current_version: string | null; entries: string }>(
      session,
      purpose,
      `SELECT NULL AS current_version, count(*) AS entries FROM ${name}`,
    );
  }
}
