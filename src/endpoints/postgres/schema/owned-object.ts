/** The fields every owned object shares, from a catalog row; the key names the catalog entry for dependency order. */
import type { Grant, OwnedObject } from '../../../model/schema-model.js';

export interface OwnedRow {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly owner: string;
  readonly grants: Grant[] | null;
}

export function ownedObject(row: OwnedRow, catalog: 'class' | 'type' | 'proc'): OwnedObject {
  return { key: `${catalog}:${row.oid}`, schema: row.schema, name: row.name, owner: row.owner, grants: row.grants };
}
