/**
 * Pure: the PostgreSQL database a JSON source's mapping describes, as the neutral schema model — a table per
 * collection (its columns, the `extra` jsonb column, its key as the primary key), and a table per nested array with
 * the parent's key and the item's position as its primary key and a foreign key to the parent that deletes with it.
 */
import { keyIndex, foreignKey } from '../key-defs.js';
import { builtModel, type ColumnDef, type ConstraintDef, type IndexDef, type SchemaModel, type TableDef } from '../schema-model.js';
import type { JsonChildMapping, JsonTableMapping } from './infer-mapping.js';

function column(name: string, type: string, notNull: boolean): ColumnDef {
  return { name, type, notNull, defaultValue: null, collation: null, identity: null, generated: null };
}

function tableDef(schema: string, name: string, columns: readonly ColumnDef[], owner: string): TableDef {
  return {
    kind: 'table',
    key: `table:${schema}.${name}`,
    schema,
    name,
    owner,
    grants: null,
    persistence: 'permanent',
    columns,
    columnOrder: columns.map((c) => c.name).join(', '),
    checks: [],
    partitionKey: null,
    partitionOf: null,
    inherits: [],
    options: [],
    rowSecurity: { enabled: false, forced: false },
  };
}

/**
 * The model of `collections` (the plan's json.collections) in `schema`, owned by `owner` ('' for the connecting
 * user).
 */
export function jsonSchemaModel(collections: Readonly<Record<string, JsonTableMapping>>, schema = 'public', owner = ''): SchemaModel {
  const objects: TableDef[] = [];
  const indexes: IndexDef[] = [];
  const constraints: ConstraintDef[] = [];
  /** Adds one table and its children; `parent` is the parent's table and key columns (name and type). */
  const add = (mapping: JsonTableMapping, parent?: { table: string; key: readonly ColumnDef[] }) => {
    const child = parent ? (mapping as JsonChildMapping) : undefined;
    const inherited = child && parent ? child.parentColumns.map((name, i) => column(name, parent.key[i]?.type ?? 'text', true)) : [];
    const position = child ? [column(child.position, 'integer', true)] : [];
    const own = mapping.columns.map((c) => column(c.column, c.type, c.notNull || mapping.key.includes(c.field)));
    const columns = [...inherited, ...position, ...own, column(mapping.extra, 'jsonb', false)];
    const table = { schema, name: mapping.table };
    objects.push(tableDef(schema, mapping.table, columns, owner));
    const keyColumns = child ? [...inherited, ...position] : own.filter((_, i) => mapping.key.includes(mapping.columns[i]!.field));
    if (keyColumns.length > 0) indexes.push(keyIndex(table, 'primary key', keyColumns.map((c) => c.name), `${mapping.table}_pkey`.slice(0, 63)));
    if (child && parent) {
      constraints.push(
        foreignKey({
          table,
          name: `${mapping.table}_${child.parentColumns.join('_')}_fkey`.slice(0, 63),
          columns: child.parentColumns,
          references: { schema, name: parent.table },
          referencedColumns: parent.key.map((c) => c.name),
          onUpdate: 'no action',
          onDelete: 'cascade',
          deferrable: false,
          initiallyDeferred: false,
        }),
      );
    }
    if (keyColumns.length > 0) for (const nested of Object.values(mapping.children) as JsonTableMapping[]) add(nested, { table: mapping.table, key: keyColumns });
  };
  for (const mapping of Object.values(collections)) add(mapping);
  return builtModel({ schemas: [{ name: schema, owner, grants: null }], objects, indexes, constraints });
}
