/** The row every catalog-object query returns, and how it becomes the model's CatalogObjectDef. */
import type { CatalogObjectDef, CatalogObjectKind } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';

export interface CatalogObjectRow {
  readonly key: string;
  readonly catalog_kind: CatalogObjectKind;
  readonly schema: string;
  readonly name: string;
  readonly clause: string;
  readonly owner: string | null;
  readonly definition: string;
  readonly comment: string | null;
}

/** Runs a query whose columns are CatalogObjectRow's. */
export async function readCatalogObjectRows(session: Session, purpose: string, sql: string): Promise<CatalogObjectDef[]> {
  const rows = await runQuery<CatalogObjectRow>(session, purpose, `${sql}\n ORDER BY 3, 4`);
  return rows.map((r) => ({
    kind: 'catalog',
    key: r.key,
    catalogKind: r.catalog_kind,
    schema: r.schema,
    name: r.name,
    clause: r.clause,
    owner: r.owner,
    grants: null,
    definition: r.definition,
    comment: r.comment,
  }));
}
