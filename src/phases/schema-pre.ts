/**
 * Schema before the data: schemas, extensions, languages, foreign-data wrappers, servers and user mappings, then
 * types, routines, sequences, tables, foreign tables and views in dependency order, in journaled transactions of a
 * few hundred statements. Constraints other than validated CHECKs, indexes and triggers come after the data.
 */
import type { TargetSession } from '../endpoints/endpoint.js';
import { quoteIdent, quoteLiteral } from '../model/ddl/quote.js';
import { renderCreate, renderCreateSchema, renderSequenceOwnedBy } from '../model/ddl/render-pre-data.js';
import { languageId } from '../model/ddl/render-server-objects.js';
import type { SchemaUnit } from '../model/ddl/schema-unit.js';
import { orderByDependencies } from '../model/dependency-order.js';
import type { Finding } from '../model/findings.js';
import type { AvailableExtension } from '../model/inventory.js';
import { objectLabel } from '../model/object-label.js';
import { sequencesOf, type ExtensionDef, type QualifiedName, type SchemaModel } from '../model/schema-model.js';
import type { Journal } from '../run/journal.js';
import { applySchemaUnits, type AppliedUnits } from './apply-schema-units.js';
import { planColumnSettings } from './plan-column-settings.js';
import type { ServerObjectsPlan } from './server-objects.js';

export interface PreDataPlan {
  readonly units: readonly SchemaUnit[];
  readonly warnings: readonly Finding[];
}

function plainUnit(id: string, statement: string, needs: readonly string[] = []): SchemaUnit {
  return { id, create: [statement], settle: [], needs, refusable: false };
}

/**
 * Pure: for each key, the refusable objects it needs directly or through other objects. `refusableIds` maps the
 * key of a refusable object (a foreign table, "language:<name>") to its unit's id.
 */
function refusableNeeds(dependencies: SchemaModel['dependencies'], refusableIds: ReadonlyMap<string, string>): (key: string) => string[] {
  const memo = new Map<string, string[]>();
  const needsOf = (key: string): string[] => {
    const known = memo.get(key);
    if (known) return known;
    memo.set(key, []); // a cycle ends here
    const needs = new Set<string>();
    for (const dependency of dependencies[key] ?? []) {
      const id = refusableIds.get(dependency);
      if (id) needs.add(id);
      else needsOf(dependency).forEach((n) => needs.add(n));
    }
    memo.set(key, [...needs]);
    return memo.get(key)!;
  };
  return needsOf;
}

/**
 * An extension already on the target is used as it is (a managed server may install it for you, owned by
 * another role); otherwise it is created at the source's version when the target offers it.
 */
function planExtension(extension: ExtensionDef, available: readonly AvailableExtension[]): { statement?: string; warning?: Finding } {
  const offered = available.find((a) => a.name === extension.name);
  if (offered?.installedVersion) {
    return offered.installedVersion === extension.version
      ? {}
      : {
          warning: {
            code: 'EXTENSION_VERSION_DIFFERS',
            message: `extension ${extension.name} is already installed on the target at ${offered.installedVersion}; the source has ${extension.version}`,
            hint: `Run ALTER EXTENSION ${extension.name} UPDATE on the target if you need the same version.`,
          },
        };
  }
  const create = `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extension.name)} WITH SCHEMA ${quoteIdent(extension.schema)}`;
  if (offered?.versions.includes(extension.version)) return { statement: `${create} VERSION ${quoteLiteral(extension.version)}` };
  return {
    statement: create,
    warning: {
      code: 'EXTENSION_VERSION_DIFFERS',
      message: `the target does not offer ${extension.name} ${extension.version}; it is created at its default version ${offered?.defaultVersion ?? '(unknown)'}`,
    },
  };
}

/**
 * Pure. Foreign tables take their place among the objects, so a view over one comes after it.
 * `toastCompressions`: the compression methods the target offers (lz4 only where built with it).
 */
export function planPreData(
  model: SchemaModel,
  available: readonly AvailableExtension[],
  serverObjects: ServerObjectsPlan,
  toastCompressions: readonly string[],
): PreDataPlan {
  const extensions = model.extensions.map((e) => planExtension(e, available));
  const columnSettings = planColumnSettings(model, toastCompressions);
  const foreignTableUnits = new Map(serverObjects.foreignTables.map((u) => [u.id, u]));
  const foreignTables = model.serverObjects.foreignTables.flatMap((t) => {
    const unit = foreignTableUnits.get(`foreign table ${t.schema}.${t.name}`);
    return unit ? [{ key: t.key, kind: 'foreign table' as const, schema: t.schema, name: t.name, unit }] : [];
  });
  const refusableIds = new Map<string, string>([
    ...foreignTables.map((t): [string, string] => [t.key, t.unit.id]),
    ...model.serverObjects.languages.map((l): [string, string] => [`language:${l.name}`, languageId(l.name)]),
  ]);
  const needsOf = refusableNeeds(model.dependencies, refusableIds);
  // What belongs to a relation (a sequence's owner column, a column's setting) needs that relation's unit.
  const relationUnits = new Map<string, string>([
    ...model.objects.filter((o) => o.kind === 'table' || o.kind === 'view').map((o): [string, string] => [`${o.schema}.${o.name}`, objectLabel(o)]),
    ...foreignTables.map((t): [string, string] => [`${t.schema}.${t.name}`, t.unit.id]),
  ]);
  const needsRelation = (table: QualifiedName) => {
    const id = relationUnits.get(`${table.schema}.${table.name}`);
    return id ? [id] : [];
  };
  const ordered = orderByDependencies([...model.objects, ...foreignTables], new Map(Object.entries(model.dependencies))).map((o) =>
    o.kind === 'foreign table'
      ? { ...o.unit, needs: [...new Set([...o.unit.needs, ...needsOf(o.key)])] }
      : // A catalog object (operator class, text search parser…) is one a managed target may refuse; so is a view
        // translated from another dialect.
        { ...plainUnit(objectLabel(o), renderCreate(o), needsOf(o.key)), refusable: o.kind === 'catalog' || (o.kind === 'view' && o.translated === true) },
  );
  const units = [
    ...model.schemas.map((s) => plainUnit(`schema ${s.name}`, renderCreateSchema(s.name))),
    ...extensions.flatMap((e, i) => (e.statement ? [plainUnit(`extension ${model.extensions[i]!.name}`, e.statement)] : [])),
    ...serverObjects.languages,
    ...serverObjects.foreignData,
    ...ordered,
    ...sequencesOf(model).flatMap((s) => {
      const ownedBy = renderSequenceOwnedBy(s);
      return ownedBy ? [plainUnit(`owner column of sequence ${s.schema}.${s.name}`, ownedBy, needsRelation(s.ownedBy!.table))] : [];
    }),
    ...columnSettings.statements.map((statement, i) => plainUnit(`column settings #${i + 1}`, statement.sql, needsRelation(statement.table))),
  ];
  return { units, warnings: [...extensions.flatMap((e) => (e.warning ? [e.warning] : [])), ...columnSettings.warnings] };
}

/**
 * Applies the pre-data in journaled transactions of a few hundred statements ("schema:pre#1" …). Returns the
 * OBJECT_REFUSED warnings and every object refused, also in turn.
 */
export async function applyPreData(journal: Journal, target: TargetSession, units: readonly SchemaUnit[]): Promise<AppliedUnits> {
  return applySchemaUnits(journal, target, { phase: 'schema:pre', idPrefix: 'schema:pre', units, refusedBefore: new Set() });
}
