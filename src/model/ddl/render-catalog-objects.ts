/** Pure: a catalog object (collation, text search object, cast, operator, operator family or class, conversion) as one unit of SQL. */
import { quoteLiteral } from '../../endpoints/postgres/sql.js';
import type { CatalogObjectDef } from '../schema-model.js';

/** The CREATE (and what completes it), then its comment: tried together, so a refused object takes its comment along. */
export function renderCatalogObject(object: CatalogObjectDef): string {
  const comment = object.comment === null ? [] : [`COMMENT ON ${object.clause} IS ${quoteLiteral(object.comment)}`];
  return [object.definition, ...comment].join(';\n');
}

/** How a catalog object is named in warnings and differences, e.g. "operator class public.ops USING btree". */
export function catalogObjectLabel(object: CatalogObjectDef): string {
  return `${object.catalogKind} ${object.schema === '' ? '' : `${object.schema}.`}${object.name}`;
}
