/**
 * Pure: the schema model as migrate created it on the target, without the pre-data objects the target refused
 * (also in turn) and without what hangs on them: indexes, constraints, policies, rules, extended statistics,
 * relation and column settings, column grants and comments go silently with their object; triggers are named, as
 * a trigger can also be refused for its function alone.
 */
import { quoteIdent } from './ddl/quote.js';
import type { Finding } from './findings.js';
import { objectRefused } from './refused-object.js';
import { objectLabel } from './object-label.js';
import type { QualifiedName, SchemaModel, TriggerDef } from './schema-model.js';

/** How the server prints a name in a definition: bare when that reads back the same (reserved words aside), else quoted. */
function printed(name: string): string[] {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? [name, quoteIdent(name)] : [quoteIdent(name)];
}

function spellings({ schema, name }: QualifiedName): string[] {
  return printed(schema).flatMap((s) => printed(name).map((n) => `${s}.${n}`));
}

const relationId = (r: QualifiedName) => `${r.schema}.${r.name}`;

export function withoutRefused(model: SchemaModel, refused: ReadonlySet<string>): { model: SchemaModel; warnings: Finding[] } {
  if (refused.size === 0) return { model, warnings: [] };
  const gone = model.objects.filter((o) => refused.has(objectLabel(o)));
  const goneRelations = new Map<string, string>([
    ...gone.filter((o) => o.kind === 'table' || o.kind === 'view').map((o): [string, string] => [relationId(o), objectLabel(o)]),
    ...model.serverObjects.foreignTables
      .map((t): [string, string] => [relationId(t), `foreign table ${t.schema}.${t.name}`])
      .filter(([, id]) => refused.has(id)),
  ]);
  const goneRoutines = gone.flatMap((o) => (o.kind === 'routine' ? spellings(o).map((s): [string, string] => [`EXECUTE FUNCTION ${s}(`, objectLabel(o)]) : []));
  const onGone = (item: { table: QualifiedName }) => goneRelations.has(relationId(item.table));
  const triggerNeeds = (t: TriggerDef) => goneRelations.get(relationId(t.table)) ?? goneRoutines.find(([call]) => t.definition.includes(call))?.[1];
  const goneIndexes = new Set(model.indexes.filter(onGone).map((i) => relationId({ schema: i.table.schema, name: i.name })));
  // An index's setting names the index itself.
  const settingGone = (s: SchemaModel['relationSettings'][number]) => (s.relationKind === 'index' ? goneIndexes.has(relationId(s.table)) : onGone(s));
  const goneStatistics = model.statistics.filter(onGone);
  const warnings: Finding[] = [];
  const triggers = model.triggers.filter((t) => {
    const needs = triggerNeeds(t);
    if (needs) warnings.push(objectRefused(`trigger ${t.name} on ${relationId(t.table)}`, `it needs ${needs}, which the target refused`));
    return !needs;
  });
  // COMMENT ON clauses as pg_identify_object writes them, for what is gone.
  const goneTriggers = model.triggers.filter((t) => !triggers.includes(t));
  const relations = [...goneRelations.keys()].map((id) => ({ schema: id.slice(0, id.indexOf('.')), name: id.slice(id.indexOf('.') + 1) }));
  const exact = new Set([
    ...gone.flatMap((o) => spellings(o).flatMap((s) => ['TABLE', 'VIEW', 'MATERIALIZED VIEW', 'SEQUENCE', 'TYPE', 'DOMAIN'].map((k) => `${k} ${s}`))),
    ...model.indexes.filter(onGone).flatMap((i) => spellings({ schema: i.table.schema, name: i.name }).map((s) => `INDEX ${s}`)),
    ...goneTriggers.flatMap((t) => printed(t.name).flatMap((n) => spellings(t.table).map((s) => `TRIGGER ${n} on ${s}`))),
    ...goneStatistics.flatMap((st) => spellings(st).map((s) => `STATISTICS ${s}`)),
  ]);
  const prefixes = [
    ...relations.flatMap((r) => spellings(r).map((s) => `COLUMN ${s}.`)),
    ...gone.filter((o) => o.kind === 'routine').flatMap((o) => spellings(o).flatMap((s) => ['FUNCTION', 'PROCEDURE', 'AGGREGATE'].map((k) => `${k} ${s}(`))),
  ];
  const suffixes = relations.flatMap((r) => spellings(r).map((s) => ` on ${s}`));
  const commentGone = (target: string) => exact.has(target) || prefixes.some((p) => target.startsWith(p)) || suffixes.some((s) => target.endsWith(s));
  return {
    model: {
      ...model,
      objects: model.objects.filter((o) => !gone.includes(o)),
      indexes: model.indexes.filter((i) => !onGone(i)),
      constraints: model.constraints.filter((c) => !onGone(c) && !(c.references && goneRelations.has(relationId(c.references)))),
      triggers,
      policies: model.policies.filter((p) => !onGone(p)),
      comments: model.comments.filter((c) => !commentGone(c.target)),
      rules: model.rules.filter((r) => !onGone(r)),
      statistics: model.statistics.filter((st) => !goneStatistics.includes(st)),
      relationSettings: model.relationSettings.filter((st) => !settingGone(st)),
      access: { ...model.access, columnGrants: model.access.columnGrants.filter((g) => !onGone(g)) },
    },
    warnings,
  };
}
