/**
 * Schema before the data: schemas, extensions, then types, routines, sequences, tables and views in dependency
 * order, in journaled transactions of a few hundred statements. Constraints other than validated CHECKs, indexes
 * and triggers come after the data.
 */
import type { Session } from '../endpoints/postgres/run-query.js';
import { quoteIdent, quoteLiteral } from '../endpoints/postgres/sql.js';
import { renderCreate, renderCreateSchema, renderSequenceOwnedBy } from '../model/ddl/render-pre-data.js';
import type { Finding } from '../model/findings.js';
import type { AvailableExtension } from '../model/inventory.js';
import { sequencesOf, type ExtensionDef, type SchemaModel } from '../model/schema-model.js';
import type { Journal } from '../run/journal.js';
import { applyJournaledBatches } from './journaled-transaction.js';
import { objectRefused, refusedObjectsKey } from './refusable-objects.js';
import { planColumnSettings } from './plan-column-settings.js';

export interface PreDataPlan {
  readonly statements: readonly string[];
  readonly warnings: readonly Finding[];
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

/** Pure. `toastCompressions`: the compression methods the target offers (lz4 only where built with it). */
export function planPreData(model: SchemaModel, available: readonly AvailableExtension[], toastCompressions: readonly string[]): PreDataPlan {
  const extensions = model.extensions.map((e) => planExtension(e, available));
  const columnSettings = planColumnSettings(model, toastCompressions);
  const statements = [
    ...model.schemas.map((s) => renderCreateSchema(s.name)),
    ...extensions.flatMap((e) => (e.statement ? [e.statement] : [])),
    ...model.objects.map(renderCreate),
    ...sequencesOf(model).flatMap((s) => renderSequenceOwnedBy(s) ?? []),
    ...columnSettings.statements,
  ];
  return { statements, warnings: [...extensions.flatMap((e) => (e.warning ? [e.warning] : [])), ...columnSettings.warnings] };
}

/**
 * Applies the pre-data statements in journaled transactions of a few hundred statements ("schema:pre#1" …). The
 * `refusable` ones (see refusable-objects.ts) are tried alone; returns an OBJECT_REFUSED warning for each refused.
 */
export async function applyPreData(journal: Journal, target: Session, statements: readonly string[], refusable: ReadonlyMap<string, string> = new Map()): Promise<Finding[]> {
  const warnings: Finding[] = [];
  const onRefused = (what: string, error: Error) => {
    warnings.push(objectRefused(what, error.message));
    journal.setValue(refusedObjectsKey, [...(journal.value<string[]>(refusedObjectsKey) ?? []), what]);
  };
  await applyJournaledBatches(journal, target, 'schema:pre', 'schema:pre', statements, { statements: refusable, onRefused });
  return warnings;
}
