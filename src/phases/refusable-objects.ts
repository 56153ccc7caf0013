/**
 * Catalog objects some targets refuse (a managed target's owner is no superuser: operator classes and families,
 * text search parsers and templates, casts WITHOUT FUNCTION or between types it does not own). Each is applied on
 * its own under a savepoint; a refusal becomes an OBJECT_REFUSED warning, the object is missing on the target and
 * verify reports it.
 */
import { catalogObjectLabel, renderCatalogObject } from '../model/ddl/render-catalog-objects.js';
import type { Finding } from '../model/findings.js';
import type { SchemaModel } from '../model/schema-model.js';

/** Pure: each catalog object's statement → how warnings name the object. */
export function refusableStatements(model: SchemaModel): Map<string, string> {
  return new Map(model.objects.flatMap((o) => (o.kind === 'catalog' ? [[renderCatalogObject(o), catalogObjectLabel(o)] as const] : [])));
}

export function objectRefused(label: string, reason: string): Finding {
  return {
    code: 'OBJECT_REFUSED',
    message: `${label} was not created: the target refused it: ${reason}`,
    hint: 'It is missing on the target and verify reports it; have a superuser create it there (or remove its use from the source).',
  };
}

/** Journal value: labels of the objects the target refused, so schema:post leaves their owners alone. */
export const refusedObjectsKey = 'refused_objects';
