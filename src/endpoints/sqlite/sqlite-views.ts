/** SQLite views as the model's views, where their SELECT translates; the others left out and reported. */
import { quoteIdent } from '../../model/ddl/quote.js';
import type { ViewDef } from '../../model/schema-model.js';
import type { PgNames } from '../../model/sqlite/pg-names.js';
import { tokenize } from '../../model/sqlite/sql-tokens.js';
import { translateView, viewColumnList, type ViewNames } from '../../model/sqlite/translate-view.js';
import type { ReadTableOptions, Notes, SqliteTable } from './sqlite-tables.js';
import type { SchemaEntry } from './sqlite-catalog.js';

export interface SqliteViews {
  readonly defs: ViewDef[];
  /** "view name" of each view left out. */
  readonly leftOut: string[];
  /** Each view's key → the keys of the tables and views it reads, so it is created after them. */
  readonly dependencies: Record<string, string[]>;
}

export function readSqliteViews(
  entries: readonly SchemaEntry[],
  tables: readonly SqliteTable[],
  relationNames: ReadonlyMap<string, string>,
  names: PgNames,
  options: Pick<ReadTableOptions, 'schema' | 'owner'>,
  notes: Notes,
): SqliteViews {
  const columns = new Map<string, Set<string>>();
  const booleans = new Set<string>();
  for (const table of tables) {
    for (const [sqlite, pg] of table.columns.names) columns.set(sqlite, new Set([...(columns.get(sqlite) ?? []), pg]));
    for (const name of table.columns.unusable.keys()) booleans.add(name);
  }
  // A view's listed columns can be read by another view.
  for (const entry of entries) {
    try {
      for (const column of viewColumnList(tokenize(entry.sql ?? ''))) columns.set(column.toLowerCase(), new Set([...(columns.get(column.toLowerCase()) ?? []), names.fold(column)]));
    } catch {
      // SQL it cannot read: reported below, when the view itself is translated.
    }
  }
  const viewNames: ViewNames = {
    schema: options.schema,
    relations: new Map([...relationNames].map(([k, v]) => [k.toLowerCase(), v])),
    columns,
    booleans,
    fold: (name) => names.fold(name),
  };
  const keyOf = (pgName: string) => (entries.some((e) => relationNames.get(e.name) === pgName) ? `view:${options.schema}.${pgName}` : `table:${options.schema}.${pgName}`);
  const result: SqliteViews = { defs: [], leftOut: [], dependencies: {} };
  for (const entry of entries) {
    const name = relationNames.get(entry.name)!;
    let translated: ReturnType<typeof translateView>;
    try {
      translated = translateView(tokenize(entry.sql ?? ''), viewNames);
    } catch (error) {
      translated = { refused: `SQL it cannot read (${(error as Error).message})` };
    }
    if ('refused' in translated) {
      result.leftOut.push(`view ${entry.name}`);
      notes.notMigrated.push({ object: `view ${entry.name}`, what: 'the view', reason: `its SELECT uses ${translated.refused}` });
      continue;
    }
    const query = translated.columns ? `SELECT * FROM (${translated.sql}) AS ${quoteIdent(name)}(${translated.columns.map(quoteIdent).join(', ')})` : translated.sql;
    const key = `view:${options.schema}.${name}`;
    result.defs.push({ kind: 'view', key, schema: options.schema, name, owner: options.owner, grants: null, materialized: false, populated: true, query, options: [] });
    result.dependencies[key] = [...new Set(translated.uses ?? [])].map(keyOf);
  }
  return result;
}
