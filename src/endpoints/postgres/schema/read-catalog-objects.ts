/** Collations, text search objects, casts, operators, operator families and classes, and conversions of user schemas. */
import type { CatalogObjectDef } from '../../../model/schema-model.js';
import type { Session } from '../run-query.js';
import { readCasts } from './read-casts.js';
import { readCollations } from './read-collations.js';
import { readConversions } from './read-conversions.js';
import { readOperators } from './read-operators.js';
import { readTextSearchObjects } from './read-text-search.js';

/** Needs search_path = ''. */
export async function readCatalogObjects(session: Session): Promise<CatalogObjectDef[]> {
  return [
    ...(await readCollations(session)),
    ...(await readTextSearchObjects(session)),
    ...(await readCasts(session)),
    ...(await readOperators(session)),
    ...(await readConversions(session)),
  ];
}
