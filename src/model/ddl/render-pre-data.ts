/** Pure: CREATE statements for the objects that exist before the data (schemas, types, routines, sequences, tables, views). */
import { qualifiedName, quoteIdent, quoteLiteral } from './quote.js';
import { renderCatalogObject } from './render-catalog-objects.js';
import type { ColumnDef, PreDataObject, SequenceDef, SequenceOptions, TableDef, TypeDef, ViewDef } from '../schema-model.js';

export function renderCreateSchema(name: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(name)}`;
}

export function renderCreate(object: PreDataObject): string {
  switch (object.kind) {
    case 'type':
      return renderType(object);
    case 'routine':
      return object.definition.trimEnd();
    case 'sequence':
      return `CREATE SEQUENCE ${qualifiedName(object.schema, object.name)} ${renderSequenceOptions(object)}`;
    case 'table':
      return renderTable(object);
    case 'view':
      return renderView(object);
    case 'catalog':
      return renderCatalogObject(object);
  }
}

function renderType(type: TypeDef): string {
  const name = qualifiedName(type.schema, type.name);
  switch (type.variant) {
    case 'enum':
      return `CREATE TYPE ${name} AS ENUM (${type.labels.map(quoteLiteral).join(', ')})`;
    case 'composite':
      return `CREATE TYPE ${name} AS (${type.attributes
        .map((a) => `${quoteIdent(a.name)} ${a.type}${a.collation ? ` COLLATE ${a.collation}` : ''}`)
        .join(', ')})`;
    case 'range':
      return `CREATE TYPE ${name} AS RANGE (${type.options.join(', ')})`;
    case 'domain': {
      // CREATE DOMAIN takes no NOT VALID check: such a check is added after, still NOT VALID, as pg_dump does.
      const notValid = (c: { validated: boolean }) => !c.validated;
      const create = [
        `CREATE DOMAIN ${name} AS ${type.baseType}`,
        type.collation ? `COLLATE ${type.collation}` : '',
        type.defaultValue !== null ? `DEFAULT ${type.defaultValue}` : '',
        type.notNull ? 'NOT NULL' : '',
        ...type.checks.filter((c) => !notValid(c)).map((c) => `CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`),
      ]
        .filter(Boolean)
        .join(' ');
      const later = type.checks.filter(notValid).map((c) => `ALTER DOMAIN ${name} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`);
      return [create, ...later].join(';\n');
    }
  }
}

/** An identity column's sequence takes its type from the column, so `withType` is false there. */
export function renderSequenceOptions(options: SequenceOptions, withType = true): string {
  return [
    ...(withType ? [`AS ${options.dataType}`] : []),
    `INCREMENT BY ${options.increment}`,
    `MINVALUE ${options.min}`,
    `MAXVALUE ${options.max}`,
    `START WITH ${options.start}`,
    `CACHE ${options.cache}`,
    options.cycle ? 'CYCLE' : 'NO CYCLE',
  ].join(' ');
}

function renderColumn(column: ColumnDef): string {
  const parts = [quoteIdent(column.name), column.type];
  if (column.collation) parts.push(`COLLATE ${column.collation}`);
  if (column.generated) parts.push(`GENERATED ALWAYS AS (${column.generated.expression}) ${column.generated.kind.toUpperCase()}`);
  if (column.identity) {
    const sequence = column.identity.sequence;
    parts.push(
      `GENERATED ${column.identity.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (SEQUENCE NAME ${qualifiedName(sequence.schema, sequence.name)} ${renderSequenceOptions(sequence, false)})`,
    );
  }
  if (column.defaultValue !== null) parts.push(`DEFAULT ${column.defaultValue}`);
  if (column.notNull) parts.push('NOT NULL');
  return parts.join(' ');
}

function renderTable(table: TableDef): string {
  const name = qualifiedName(table.schema, table.name);
  const unlogged = table.persistence === 'unlogged' ? 'UNLOGGED ' : '';
  const checks = table.checks.map((c) => `CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`);
  const partitionBy = table.partitionKey ? ` PARTITION BY ${table.partitionKey}` : '';
  const options = table.options.length > 0 ? ` WITH (${table.options.join(', ')})` : '';
  if (table.partitionOf && table.standalone) {
    // Its own column order: created as a table, then attached, as pg_dump does.
    const inherited = table.standalone.inheritedChecks.map((c) => `CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`);
    const body = [...table.standalone.columns.map(renderColumn), ...inherited, ...checks].map((line) => `  ${line}`).join(',\n');
    const parent = qualifiedName(table.partitionOf.parent.schema, table.partitionOf.parent.name);
    return `CREATE ${unlogged}TABLE ${name} (\n${body}\n)${partitionBy}${options};\nALTER TABLE ${parent} ATTACH PARTITION ${name} ${table.partitionOf.bound}`;
  }
  if (table.partitionOf) {
    const body = checks.length > 0 ? ` (${checks.join(', ')})` : '';
    return `CREATE ${unlogged}TABLE ${name} PARTITION OF ${qualifiedName(table.partitionOf.parent.schema, table.partitionOf.parent.name)}${body} ${table.partitionOf.bound}${partitionBy}${options}`;
  }
  const inherits = table.inherits.length > 0 ? ` INHERITS (${table.inherits.map((p) => qualifiedName(p.schema, p.name)).join(', ')})` : '';
  const body = [...table.columns.map(renderColumn), ...checks].map((line) => `  ${line}`).join(',\n');
  return `CREATE ${unlogged}TABLE ${name} (\n${body}\n)${inherits}${partitionBy}${options}`;
}

function renderView(view: ViewDef): string {
  const options = view.options.length > 0 ? ` WITH (${view.options.join(', ')})` : '';
  const name = qualifiedName(view.schema, view.name);
  return view.materialized
    ? `CREATE MATERIALIZED VIEW ${name}${options} AS\n${view.query}\nWITH NO DATA`
    : `CREATE VIEW ${name}${options} AS\n${view.query}`;
}

/** ALTER SEQUENCE … OWNED BY, once the owning table exists. */
export function renderSequenceOwnedBy(sequence: SequenceDef): string | null {
  if (!sequence.ownedBy) return null;
  const { table, column } = sequence.ownedBy;
  return `ALTER SEQUENCE ${qualifiedName(sequence.schema, sequence.name)} OWNED BY ${qualifiedName(table.schema, table.name)}.${quoteIdent(column)}`;
}
