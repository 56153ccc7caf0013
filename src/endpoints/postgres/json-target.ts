/**
 * A PostgreSQL database as the target of a JSON source: a pool of sessions, the tables of the mapping created when
 * missing (and checked when there), and the mapping's tables read and written a record at a time.
 */
import pg from 'pg';
import { PgferryError } from '../../errors/pgferry-error.js';
import type { JsonTableMapping } from '../../model/json/infer-mapping.js';
import { jsonSchemaModel } from '../../model/json/json-schema-model.js';
import type { SchemaModel, TableDef } from '../../model/schema-model.js';
import { renderCreate } from '../../model/ddl/render-pre-data.js';
import { renderConstraint, renderIndex } from '../../model/ddl/render-post-data.js';
import { connectionError } from './connect.js';
import { databaseIdentity, postgresConnectionConfig, type PostgresConnectionConfig } from './connection-config.js';
import { inPoolTransaction, JsonRecordTables } from './json-record-tables.js';
import { qualifiedName } from './sql.js';

export interface JsonTargetOptions {
  readonly connectTimeoutSeconds: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Sessions the pool may open at once. */
  readonly sessions?: number;
  /** Which end this is in messages (target, or postgres for the dual-write store). */
  readonly label?: string;
}

/** A pool (its idle sessions' errors kept quiet) and how to take a session of it: a failure names host and port. */
export function openPool(config: PostgresConnectionConfig, options: JsonTargetOptions): { readonly pool: pg.Pool; readonly connect: () => Promise<pg.PoolClient> } {
  const pool = new pg.Pool({
    ...config.client,
    max: options.sessions ?? 4,
    connectionTimeoutMillis: options.connectTimeoutSeconds * 1000,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => undefined);
  const connect = async () => {
    try {
      const client = await pool.connect();
      // A session the server ends while it is checked out (a crash, a restart) emits an error: its query fails with it.
      if (client.listenerCount('error') === 0) client.on('error', () => undefined);
      return client;
    } catch (error) {
      throw connectionError(error, config, { label: options.label ?? 'target', connectTimeoutSeconds: options.connectTimeoutSeconds });
    }
  };
  return { pool, connect };
}

/** Each table of the model with the columns the database has for it (undefined: it has no such table). */
async function tableColumns(client: pg.ClientBase, model: SchemaModel): Promise<Array<{ readonly table: TableDef; readonly label: string; readonly columns: ReadonlySet<string> | undefined }>> {
  const tables: Array<{ table: TableDef; label: string; columns: ReadonlySet<string> | undefined }> = [];
  for (const table of model.objects) {
    if (table.kind !== 'table') continue;
    const found = await client.query<{ column: string }>(
      `SELECT a.attname AS column FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
      [qualifiedName(table.schema, table.name)],
    );
    tables.push({ table, label: `${table.schema}.${table.name}`, columns: found.rows.length > 0 ? new Set(found.rows.map((r) => r.column)) : undefined });
  }
  return tables;
}

export class JsonTargetDatabase {
  readonly display: string;
  readonly identity: string;
  readonly records: JsonRecordTables;
  private readonly pool: pg.Pool;
  private readonly connect: () => Promise<pg.PoolClient>;

  constructor(
    url: string,
    private readonly collections: Readonly<Record<string, JsonTableMapping>>,
    options: JsonTargetOptions,
  ) {
    const config = postgresConnectionConfig(url, options.env);
    this.display = config.display;
    this.identity = databaseIdentity(config.address);
    ({ pool: this.pool, connect: this.connect } = openPool(config, options));
    this.records = new JsonRecordTables(this.connect, collections);
  }

  /**
   * Creates the tables of the mapping that do not exist (with their keys and the children's foreign keys), in one
   * transaction; a table that exists must have every column the mapping gives it (JSON_TABLE_MISMATCH otherwise).
   * Resolves to the tables created and those found.
   */
  async ensureTables(): Promise<{ readonly created: string[]; readonly existing: string[] }> {
    const model = jsonSchemaModel(this.collections);
    return inPoolTransaction(this.connect, async (client) => {
      // One run at a time creates the tables: a second waits here, then finds them.
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('pgferry:json-tables', 0))`);
      const created: string[] = [];
      const existing: string[] = [];
      for (const { table, label, columns } of await tableColumns(client, model)) {
        if (!columns) {
          created.push(label);
          continue;
        }
        const missing = table.columns.filter((c) => !columns.has(c.name)).map((c) => c.name);
        if (missing.length > 0) {
          throw new PgferryError('JSON_TABLE_MISMATCH', `the target's table ${label} has no column ${missing.join(', ')}, which the mapping writes`, {
            hint: 'Add the columns (ALTER TABLE … ADD COLUMN), or point the mapping at other table names, or drop the table to let pgferry create it.',
          });
        }
        existing.push(label);
      }
      const isNew = (t: { schema: string; name: string }) => created.includes(`${t.schema}.${t.name}`);
      for (const table of model.objects) if (table.kind === 'table' && isNew(table)) await client.query(renderCreate(table));
      for (const index of model.indexes) {
        if (!isNew(index.table)) continue;
        const { build, constraint } = renderIndex(index);
        await client.query(build);
        if (constraint) await client.query(constraint);
      }
      for (const constraint of model.constraints) {
        if (!isNew(constraint.table)) continue;
        const { add, validate } = renderConstraint(constraint);
        await client.query(add);
        if (validate) await client.query(validate);
      }
      return { created, existing };
    });
  }

  /** The mapping's tables the database does not have ("schema.name"). */
  async missingTables(): Promise<string[]> {
    const tables = await inPoolTransaction(this.connect, (client) => tableColumns(client, jsonSchemaModel(this.collections)), true);
    return tables.filter((t) => !t.columns).map((t) => t.label);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
