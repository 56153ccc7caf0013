/** What verify and warnings call a pre-data object, e.g. "view app.totals", "function app.f(integer)". */
import { catalogObjectLabel } from './ddl/render-catalog-objects.js';
import type { PreDataObject } from './schema-model.js';

export function objectLabel(object: PreDataObject): string {
  if (object.kind === 'catalog') return catalogObjectLabel(object);
  if (object.kind === 'routine') return `${object.routineKind} ${object.schema}.${object.name}(${object.identityArguments})`;
  return `${object.kind === 'view' && object.materialized ? 'materialized view' : object.kind} ${object.schema}.${object.name}`;
}
