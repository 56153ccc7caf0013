/**
 * Predicts schema:pre and the DDL of the load exactly: the statements migrate would run on an empty target are
 * tried there in a transaction that is always rolled back. A refused object of a kind a target may refuse (and
 * what needs it) is a warning, as migrate goes on without it; any other refusal becomes a blocker naming the
 * statement, the server's reason and the fix.
 */
import { renderConstraint, renderIndex, renderIndexAttach, renderTrigger } from '../model/ddl/render-post-data.js';
import type { Finding } from '../model/findings.js';
import type { AvailableExtension } from '../model/inventory.js';
import type { RefusedStatement, Rehearsal } from '../model/rehearsal.js';
import type { SchemaModel } from '../model/schema-model.js';
import { planPreData } from './schema-pre.js';
import { planRulesAndRelationSettings } from './plan-rules-and-relation-settings.js';
import { planServerObjectRehearsal } from './server-objects.js';
import type { SchemaUnit } from '../model/ddl/schema-unit.js';
import { objectRefused } from '../model/refused-object.js';
import { shownStatement } from '../model/ddl/shown-statement.js';
import { withoutRefused } from '../model/without-refused.js';

/** Pure: the schema units preflight tries, in migrate's order: pre-data (with languages and foreign data), publications, event triggers. */
function rehearsalUnits(
  model: SchemaModel,
  available: readonly AvailableExtension[],
  toastCompressions: readonly string[],
): { preData: SchemaUnit[]; last: SchemaUnit[] } {
  const serverObjects = planServerObjectRehearsal(model.serverObjects);
  return {
    preData: [...planPreData(model, available, serverObjects, toastCompressions).units],
    last: [...serverObjects.publications, ...serverObjects.eventTriggers],
  };
}

/** Pure: pre-data, then the indexes, keys, attaches, constraints and triggers built after the data (on empty tables here). */
export function planSchemaRehearsal(model: SchemaModel, available: readonly AvailableExtension[], toastCompressions: readonly string[]): string[] {
  const units = rehearsalUnits(model, available, toastCompressions);
  return [...units.preData.flatMap((u) => u.create), ...postDataStatements(model), ...units.last.flatMap((u) => u.create)];
}

/** Pure: the statements of what is built after the data, in migrate's order. */
function postDataStatements(model: SchemaModel): string[] {
  const indexes = model.indexes.map(renderIndex);
  return [
    ...indexes.map((i) => i.build),
    ...model.indexes.flatMap((i) => renderIndexAttach(i) ?? []),
    ...indexes.flatMap((i) => i.constraint ?? []),
    ...model.constraints.map((c) => renderConstraint(c).add),
    ...model.triggers.flatMap(renderTrigger),
    ...planRulesAndRelationSettings(model),
  ];
}

/** What to do about a refusal, by SQLSTATE. */
const fixes: ReadonlyArray<readonly [RegExp, string]> = [
  [/^42704$|^42883$/, 'Create the missing object on the target first (an object from an extension the target lacks, or a collation, operator class or text search object the target refused: see OBJECT_REFUSED), or remove its use from the source.'],
  [/^42501$/, 'Have a role allowed to (a superuser, or the owner for trusted extensions) create it on the target first; pgferry uses what already exists.'],
  [/^22021$|^22P05$/, 'Create the target database with ENCODING \'UTF8\'.'],
];

function statementName(statement: string): string {
  const flat = shownStatement(statement).replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

function blocker(refusal: RefusedStatement): Finding {
  const fix = fixes.find(([state]) => state.test(refusal.sqlState ?? ''))?.[1];
  return {
    code: 'SCHEMA_WOULD_FAIL',
    message: `the target refuses \`${statementName(refusal.statement)}\`: ${refusal.message}${refusal.sqlState ? ` (SQLSTATE ${refusal.sqlState})` : ''}`,
    hint: fix ?? refusal.serverHint ?? 'Fix the cause on the target (or the source), then run preflight again.',
  };
}

/** How many refusals are named one by one; the rest are counted. */
const namedRefusals = 20;

/** Whether a refusal only follows from an earlier one: its relation is one a refused statement would have created. */
function followsFrom(refusal: RefusedStatement, earlier: readonly RefusedStatement[]): boolean {
  const missing = /relation "([^"]+)" does not exist/.exec(refusal.message)?.[1];
  if (!missing) return false;
  const creates = new RegExp(`^CREATE (?:UNLOGGED )?(?:TABLE|VIEW|MATERIALIZED VIEW) ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ (]`);
  return earlier.some((e) => creates.test(e.statement.replace(/"/g, '')));
}

/**
 * A refused server-level object (language, foreign data, publication, event trigger) or catalog object (operator
 * class, text search parser…) is a warning: migrate goes on without it, and without what needs it (a view over a refused foreign table, a function in a refused language, a
 * trigger calling that function), each named too.
 */
function objectRefusals(rehearsal: Rehearsal, model: SchemaModel | undefined): { refused: RefusedStatement[]; warnings: Finding[] } {
  if (!model) return { refused: [...rehearsal.refused], warnings: [] };
  const refusal = new Map(rehearsal.refused.map((r) => [r.statement, r]));
  const units = rehearsalUnits(model, [], []);
  const refusedIds = new Set<string>();
  const forgiven = new Set<string>();
  const warnings: Finding[] = [];
  for (const unit of [...units.preData, ...units.last]) {
    const missing = unit.needs.find((id) => refusedIds.has(id));
    const refused = unit.create.map((s) => refusal.get(s)).find((r) => r !== undefined);
    if (!missing && !(unit.refusable && refused)) continue;
    refusedIds.add(unit.id);
    unit.create.forEach((s) => forgiven.add(s));
    warnings.push(objectRefused(unit.id, missing ? `it needs ${missing}, which the target refuses` : `the target refuses it: ${refused!.message}`, true));
  }
  const after = withoutRefused(model, refusedIds);
  // What goes with a refused object (a trigger calling a refused function; an index, key, rule or setting of a
  // refused table) is not built after the data either.
  const kept = new Set(postDataStatements(after.model));
  postDataStatements(model)
    .filter((s) => !kept.has(s))
    .forEach((s) => forgiven.add(s));
  warnings.push(...after.warnings.map((w) => ({ ...w, message: w.message.replace(' was not created: ', ' would not be created: ') })));
  return { refused: rehearsal.refused.filter((r) => !forgiven.has(r.statement)), warnings };
}

export function rehearsalFindings(all: Rehearsal, model?: SchemaModel): { blockers: Finding[]; warnings: Finding[] } {
  const objects = objectRefusals(all, model);
  const rehearsal = { ...all, refused: objects.refused };
  const causes = rehearsal.refused.filter((r, i) => !followsFrom(r, rehearsal.refused.slice(0, i)));
  const blockers = causes.slice(0, namedRefusals).map(blocker);
  const unnamed = rehearsal.refused.length - Math.min(causes.length, namedRefusals);
  if (unnamed > 0) {
    blockers.push({
      code: 'SCHEMA_WOULD_FAIL',
      message: `and ${unnamed} more statement(s) the target refuses, most of them because of the ones above (their tables could not be created)`,
      hint: 'Fix those first, then run preflight again.',
    });
  }
  const warnings: Finding[] = rehearsal.stoppedBecause
    ? [
        ...objects.warnings,
        {
          code: 'SCHEMA_CHECK_INCOMPLETE',
          message: `the schema was tried on the target for ${rehearsal.tried} statement(s) only: ${rehearsal.stoppedBecause}`,
          hint: 'One transaction cannot hold the whole schema on this target (migrate itself commits in batches, so this is not a blocker); the rest is checked when migrate runs it.',
        },
      ]
    : objects.warnings;
  return { blockers, warnings };
}
