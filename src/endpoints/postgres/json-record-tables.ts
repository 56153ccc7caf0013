/**
 * The PostgreSQL tables of a JSON mapping, read and written a record at a time: what the JSON backfill, verify,
 * export and the dual-write store share. A write upserts the record's rows and removes the child rows its arrays no
 * longer have, changing no row that is already equal (so a re-run writes nothing); every write of a record holds a
 * transaction-level advisory lock on its key, so a backfill and an application writing the same record take turns.
 */
import type pg from 'pg';
import { qualifiedName, quoteIdent } from './sql.js';
import type { JsonChildMapping, JsonTableMapping } from '../../model/json/infer-mapping.js';
import { jsonTextOf, parseJsonText } from '../../model/json/json-text.js';
import { keyColumns, recordKey, recordOfRow, rowKey, type JsonObject, type TableRow } from '../../model/json/record-rows.js';

/** How many rows a write changed: inserted, updated (a row already equal is neither), and child rows deleted. */
export interface WriteCounts {
  inserted: number;
  updated: number;
  deleted: number;
}

interface TableSql {
  readonly mapping: JsonTableMapping;
  readonly child?: JsonChildMapping;
  readonly name: string;
  readonly columns: readonly string[];
  readonly key: readonly string[];
  readonly keyTypes: readonly string[];
  readonly upsert: string;
  /** Child tables only: deletes the rows of the parents in $1 that are not among the rows in $2. */
  readonly deleteStale?: string;
  readonly parent?: TableSql;
}

const list = (names: readonly string[], prefix = '') => names.map((n) => `${prefix}${quoteIdent(n)}`).join(', ');

function columnsOf(mapping: JsonTableMapping): string[] {
  const child = mapping as Partial<JsonChildMapping>;
  return [...(child.parentColumns ?? []), ...(child.position ? [child.position] : []), ...mapping.columns.map((c) => c.column), mapping.extra];
}

/**
 * A column compared by its text, not its type's equality: citext's 'Bob' = 'BOB' and numeric's 1.5 = 1.50 would
 * keep a changed value from being written (and json has no equality at all).
 */
function comparable(column: string, alias: string): string {
  return `${alias}.${quoteIdent(column)}::text`;
}

function tableSql(schema: string, mapping: JsonTableMapping, parent: TableSql | undefined, keyTypes: readonly string[]): TableSql {
  const name = qualifiedName(schema, mapping.table);
  const columns = columnsOf(mapping);
  const key = keyColumns(mapping);
  const changing = columns.filter((c) => !key.includes(c));
  const input = `json_populate_recordset(NULL::${name}, $1::json)`;
  const update =
    changing.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${changing.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')} WHERE (${changing.map((c) => comparable(c, 't')).join(', ')}, NULL) IS DISTINCT FROM (${changing.map((c) => comparable(c, 'EXCLUDED')).join(', ')}, NULL)`;
  const upsert = `INSERT INTO ${name} AS t (${list(columns)}) SELECT ${list(columns)} FROM ${input} ON CONFLICT (${list(key)}) ${update} RETURNING (xmax = 0) AS inserted`;
  const child = mapping as Partial<JsonChildMapping>;
  let deleteStale: string | undefined;
  if (parent && child.parentColumns && child.position) {
    const parentKey = parent.key;
    const own = child.parentColumns.map((c, i) => `c.${quoteIdent(c)} = p.${quoteIdent(parentKey[i]!)}`).join(' AND ');
    const same = key.map((c) => `n.${quoteIdent(c)} = c.${quoteIdent(c)}`).join(' AND ');
    deleteStale = `DELETE FROM ${name} c USING json_populate_recordset(NULL::${parent.name}, $1::json) p WHERE ${own} AND NOT EXISTS (SELECT 1 FROM json_populate_recordset(NULL::${name}, $2::json) n WHERE ${same})`;
  }
  return { mapping, ...(child.parentColumns ? { child: mapping as JsonChildMapping } : {}), name, columns, key, keyTypes, upsert, ...(deleteStale ? { deleteStale } : {}), ...(parent ? { parent } : {}) };
}

/** Every table of one collection, parents first. */
function collectionSql(schema: string, mapping: JsonTableMapping): TableSql[] {
  const tables: TableSql[] = [];
  const walk = (m: JsonTableMapping, parent: TableSql | undefined) => {
    const keyTypes = parent ? [...parent.keyTypes, 'integer'] : keyColumns(m).map((c) => m.columns.find((x) => x.column === c)?.type ?? 'text');
    const sql = tableSql(schema, m, parent, keyTypes);
    tables.push(sql);
    for (const nested of Object.values(m.children)) walk(nested, sql);
  };
  walk(mapping, undefined);
  return tables;
}

/** A statement's rows as JSON text parsed by the strict reader: numbers keep their text (an id past 2^53, 0.10). */
function parsedRows(result: pg.QueryResult<{ row: string }>): TableRow[] {
  return result.rows.map((r) => parseJsonText(r.row) as TableRow);
}

/** Runs `work` in one transaction on a session `connect` takes; a failure rolls it back, throws, and drops the session. */
export async function inPoolTransaction<T>(connect: () => Promise<pg.PoolClient>, work: (client: pg.PoolClient) => Promise<T>, readOnly = false): Promise<T> {
  const client = await connect();
  let broken: Error | undefined;
  try {
    await client.query(readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    broken = error as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Reads records of the collection in the transaction that holds the lock (never on a second session of the pool:
 * with every session holding a lock and waiting for another, the pool would deadlock).
 */
export type RecordReader = (only?: JsonObject) => Promise<Array<{ readonly key: string; readonly record: JsonObject }>>;

/** A record's rows per table, as flattenRecord gives them (merged for several records). */
export type RecordRows = ReadonlyMap<string, readonly TableRow[]>;

export class JsonRecordTables {
  private readonly collections = new Map<string, TableSql[]>();

  /** `connect` takes a session of the caller's pool (closing the pool is the caller's too). */
  constructor(
    private readonly connect: () => Promise<pg.PoolClient>,
    collections: Readonly<Record<string, JsonTableMapping>>,
    readonly schema = 'public',
  ) {
    for (const [name, mapping] of Object.entries(collections)) this.collections.set(name, collectionSql(schema, mapping));
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>, readOnly = false): Promise<T> {
    return inPoolTransaction(this.connect, work, readOnly);
  }

  /**
   * Writes records of `collection` in one transaction: takes the locks of `keys`, then asks `rowsNow` for the rows
   * to write (read while the locks are held, so a writer that wrote the file first and PostgreSQL second cannot be
   * overtaken), then writes them.
   */
  async writeRecords(collection: string, keys: readonly string[], rowsNow: (read: RecordReader) => Promise<RecordRows> | RecordRows): Promise<Map<string, WriteCounts>> {
    return this.transaction(async (client) => {
      await this.lockKeys(client, collection, keys);
      return this.writeRows(client, collection, await rowsNow((only) => this.readRecords(client, collection, only)));
    });
  }

  /**
   * Makes PostgreSQL's copy of one record what `recordNow` says it is now (undefined: deleted), asked while the
   * record's lock is held: a repair from the JSON file that the application's next write cannot overtake.
   * `flatten` gives the record's rows, or throws when the mapping cannot take it.
   */
  async syncRecord(collection: string, key: JsonObject, recordNow: () => Promise<JsonObject | undefined>, flatten: (record: JsonObject) => RecordRows): Promise<'written' | 'deleted'> {
    return this.transaction(async (client) => {
      await this.lockKeys(client, collection, [this.keyOf(collection, key)]);
      const record = await recordNow();
      if (!record) {
        await this.deleteRecord(client, collection, key);
        return 'deleted';
      }
      await this.writeRows(client, collection, flatten(record));
      return 'written';
    });
  }

  /** Deletes the record with key `key` (its fields in `record`) under its lock; resolves to whether there was one. */
  async removeRecord(collection: string, record: JsonObject): Promise<boolean> {
    return this.transaction(async (client) => {
      await this.lockKeys(client, collection, [this.keyOf(collection, record)]);
      return this.deleteRecord(client, collection, record);
    });
  }

  /**
   * Runs `work` while holding the lock of one record's key (in a transaction of its own): what a repair needs to copy the record from one store to the other without being overtaken by the application.
   */
  async withRecordLock<T>(collection: string, key: string, work: (read: RecordReader) => Promise<T>): Promise<T> {
    return this.transaction(async (client) => {
      await this.lockKeys(client, collection, [key]);
      return work((only) => this.readRecords(client, collection, only));
    });
  }

  /** Every record of the collection (or only the one with `only`'s key fields) in one snapshot, in key order. */
  async records(collection: string, only?: JsonObject): Promise<Array<{ readonly key: string; readonly record: JsonObject }>> {
    return this.transaction((client) => this.readRecords(client, collection, only), true);
  }

  /** Runs `work` with a reader of every collection in one snapshot (what an export consistent across collections needs). */
  async inOneSnapshot<T>(work: (read: (collection: string) => Promise<Array<{ readonly key: string; readonly record: JsonObject }>>) => Promise<T>): Promise<T> {
    return this.transaction((client) => work((collection) => this.readRecords(client, collection)), true);
  }

  private tables(collection: string): TableSql[] {
    const tables = this.collections.get(collection);
    if (!tables) throw new Error(`the mapping has no collection ${collection}`);
    return tables;
  }

  mapping(collection: string): JsonTableMapping {
    return this.tables(collection)[0]!.mapping;
  }

  /**
   * Takes the advisory locks of these records' keys in `client`'s transaction (held until it ends), in one order
   * for every session, so two writers of overlapping records never deadlock.
   */
  private async lockKeys(client: pg.ClientBase, collection: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await client.query(
      `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended('pgferry:' || $1::text || ':' || k, 0) AS h FROM unnest($2::text[]) AS k) locks ORDER BY h`,
      [`${this.schema}.${this.mapping(collection).table}`, keys],
    );
  }

  /** The key text `lockKeys` and the comparisons use for a record of `collection`. */
  keyOf(collection: string, record: JsonObject): string {
    return recordKey(this.mapping(collection), record);
  }

  /**
   * Writes the rows of flattened records (flattenRecord's rows, merged per table) in `client`'s open transaction:
   * upserts every row, then removes the child rows of these records their arrays no longer have.
   */
  private async writeRows(client: pg.ClientBase, collection: string, rows: ReadonlyMap<string, readonly TableRow[]>): Promise<Map<string, WriteCounts>> {
    const counts = new Map<string, WriteCounts>();
    for (const table of this.tables(collection)) {
      const mine = rows.get(table.mapping.table) ?? [];
      const count: WriteCounts = { inserted: 0, updated: 0, deleted: 0 };
      counts.set(table.mapping.table, count);
      if (table.deleteStale && table.parent) {
        const parents = rows.get(table.parent.mapping.table) ?? [];
        if (parents.length > 0) count.deleted = (await client.query(table.deleteStale, [jsonTextOf(parents), jsonTextOf(mine)])).rowCount ?? 0;
      }
      if (mine.length === 0) continue;
      const result = await client.query<{ inserted: boolean }>(table.upsert, [jsonTextOf(mine)]);
      for (const r of result.rows) {
        if (r.inserted) count.inserted += 1;
        else count.updated += 1;
      }
    }
    return counts;
  }

  /** Deletes the record with this key (its child rows go with it); resolves to whether there was one. */
  private async deleteRecord(client: pg.ClientBase, collection: string, record: JsonObject): Promise<boolean> {
    const [top] = this.tables(collection);
    const row = this.keyRow(top!, record);
    const where = top!.key.map((c) => `t.${quoteIdent(c)} = k.${quoteIdent(c)}`).join(' AND ');
    const result = await client.query(`DELETE FROM ${top!.name} t USING json_populate_record(NULL::${top!.name}, $1::json) k WHERE ${where}`, [jsonTextOf(row)]);
    return (result.rowCount ?? 0) > 0;
  }

  private keyRow(top: TableSql, record: JsonObject): TableRow {
    const row: TableRow = {};
    for (const c of top.mapping.columns) if (top.key.includes(c.column)) row[c.column] = record[c.field] ?? null;
    return row;
  }

  /**
   * Records as PostgreSQL holds them, in key order: every record of the collection, or only the one whose key
   * fields `only` gives. Reads in `client`'s transaction, which the caller opens (one snapshot for every table).
   */
  private async readRecords(client: pg.ClientBase, collection: string, only?: JsonObject): Promise<Array<{ readonly key: string; readonly record: JsonObject }>> {
    const tables = this.tables(collection);
    const top = tables[0]!;
    await client.query(`SET LOCAL TIME ZONE 'UTC'`);
    const filter = only ? this.keyRow(top, only) : undefined;
    const prefix = top.key.length;
    const rowsOf = async (table: TableSql) => {
      const where = filter ? ` WHERE ${table.key.slice(0, prefix).map((c, i) => `t.${quoteIdent(c)} = k.${quoteIdent(top.key[i]!)}`).join(' AND ')}` : '';
      const from = filter ? `${table.name} t, json_populate_record(NULL::${top.name}, $1::json) k` : `${table.name} t`;
      // t.*, not t: a column named t would be taken for the row.
      const text = `SELECT to_json(t.*)::text AS row FROM ${from}${where} ORDER BY ${list(table.key, 't.')}`;
      return parsedRows(await client.query<{ row: string }>(text, filter ? [jsonTextOf(filter)] : []));
    };
    const byParent = new Map<string, Map<string, TableRow[]>>();
    for (const table of tables.slice(1)) {
      const groups = new Map<string, TableRow[]>();
      const parentColumns = table.child!.parentColumns;
      const parentTypes = table.keyTypes.slice(0, parentColumns.length);
      for (const row of await rowsOf(table)) {
        const k = rowKey(parentColumns, parentTypes, row);
        const group = groups.get(k);
        if (group) group.push(row);
        else groups.set(k, [row]);
      }
      byParent.set(table.mapping.table, groups);
    }
    const parentKeyOf = new Map(tables.map((t) => [t.mapping.table, t]));
    const childRows = (nested: JsonChildMapping, row: TableRow): readonly TableRow[] => {
      const owner = parentKeyOf.get(nested.table)!.parent!;
      return byParent.get(nested.table)?.get(rowKey(owner.key, owner.keyTypes, row)) ?? [];
    };
    return (await rowsOf(top)).map((row) => ({ key: rowKey(top.key, top.keyTypes, row), record: recordOfRow(top.mapping, row, childRows) }));
  }
}
