/** Pure: the statements that give a migrated large object its comment, grants and owner, after mapping roles. */
import { quoteIdent, quoteLiteral } from '../../endpoints/postgres/sql.js';
import type { LargeObjectMetadata } from '../large-objects.js';
import type { RoleResolver } from './render-privileges.js';

export interface LargeObjectStatement {
  readonly oid: number;
  /** An owner or grant the target refuses is a privilege not applied; a comment refused is an object refused. */
  readonly kind: 'comment' | 'grant' | 'owner';
  readonly sql: string;
}

/**
 * Comment and grants first, owner last: the connecting user owns the object it created until then, and may lose
 * the right to comment on it or grant it once another role owns it (a managed target's user is no member of it).
 */
export function renderLargeObjectMetadata(object: LargeObjectMetadata, resolve: RoleResolver): LargeObjectStatement[] {
  const statements: LargeObjectStatement[] = [];
  const oid = object.oid;
  if (object.comment !== null) statements.push({ oid, kind: 'comment', sql: `COMMENT ON LARGE OBJECT ${oid} IS ${quoteLiteral(object.comment)}` });
  for (const grant of object.grants ?? []) {
    const grantee = grant.grantee === null ? 'PUBLIC' : resolve(grant.grantee);
    if (!grantee) continue;
    const to = grantee === 'PUBLIC' ? 'PUBLIC' : quoteIdent(grantee);
    statements.push({ oid, kind: 'grant', sql: `GRANT ${grant.privilege} ON LARGE OBJECT ${oid} TO ${to}${grant.grantable ? ' WITH GRANT OPTION' : ''}` });
  }
  const owner = resolve(object.owner);
  if (owner) statements.push({ oid, kind: 'owner', sql: `ALTER LARGE OBJECT ${oid} OWNER TO ${quoteIdent(owner)}` });
  return statements;
}
