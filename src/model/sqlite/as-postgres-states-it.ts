/**
 * Pure: the SQLite schema model in the words a PostgreSQL target's own reader uses for the same objects — type
 * names as format_type prints them, identity sequences with the facts the catalog gives them — so verify's schema
 * comparison of source and target sees only real differences.
 */
import type { ColumnDef, SchemaModel, TableDef } from '../schema-model.js';

const formatTypeNames: ReadonlyArray<readonly [RegExp, string]> = [
  [/^varchar(\(\d+\))?$/, 'character varying$1'],
  [/^char(\(\d+\))$/, 'character$1'],
  [/^timestamptz$/, 'timestamp with time zone'],
  [/^timestamp$/, 'timestamp without time zone'],
  [/^time$/, 'time without time zone'],
];

/** format_type's name of a type the SQLite mapping gives. */
export function formatTypeName(type: string): string {
  const rule = formatTypeNames.find(([pattern]) => pattern.test(type));
  return rule ? type.replace(rule[0], rule[1]) : type;
}

function column(table: TableDef, c: ColumnDef): ColumnDef {
  const identity = c.identity && {
    ...c.identity,
    sequence: { ...c.identity.sequence, kind: 'sequence', owner: table.owner, grants: null, ownedBy: null, identityOf: { schema: table.schema, name: table.name, column: c.name } },
  };
  return { ...c, type: formatTypeName(c.type), identity };
}

/** The built-in public schema's comment, which every PostgreSQL database has and a SQLite file's schema goes into. */
const publicComment = { target: 'SCHEMA public', text: 'standard public schema' };

export function asPostgresStatesIt(model: SchemaModel): SchemaModel {
  const objects = model.objects.map((o) => (o.kind === 'table' ? { ...o, columns: o.columns.map((c) => column(o, c)) } : o));
  const constraints = model.constraints.map((c) => (c.kind === 'foreign key' ? { ...c, clonesValidated: true } : c));
  const comments = model.schemas.some((s) => s.name === 'public') ? [...model.comments, publicComment] : model.comments;
  return { ...model, objects, constraints, comments };
}
