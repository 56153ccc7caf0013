/**
 * Gives the migrated large objects their comments, grants and owners (schema:post). Statements go many per round
 * trip; when the target refuses one, that batch is replayed statement by statement so each refusal is named (by
 * OID) in a warning and the others still apply.
 */
import type { TargetSession } from '../endpoints/endpoint.js';
import { renderLargeObjectMetadata, type LargeObjectStatement } from '../model/ddl/render-large-objects.js';
import type { RoleResolver } from '../model/ddl/render-privileges.js';
import type { Finding } from '../model/findings.js';
import type { LargeObjectMetadata } from '../model/large-objects.js';

const statementsPerBatch = 500;

/** The schema:post step that applies them; a large-object range copied again reopens it (the copy recreates the objects bare). */
export const largeObjectMetadataStep = 'large-object-metadata';

function refusal(statement: LargeObjectStatement, reason: string): Finding {
  const hint =
    statement.kind === 'owner'
      ? 'Connect as a member of the new owner role (or a superuser), or map the owner with owners.map; verify reports the owner until then.'
      : 'Apply it as the object\'s owner or a superuser; verify reports the difference until then.';
  return {
    code: statement.kind === 'comment' ? 'OBJECT_REFUSED' : 'PRIVILEGE_NOT_APPLIED',
    message: `large object ${statement.oid}: target refused "${statement.sql}": ${reason}`,
    hint,
  };
}

/** Returns a warning per statement the target refused. Safe to run again (every statement is idempotent). */
export async function applyLargeObjectMetadata(target: TargetSession, objects: readonly LargeObjectMetadata[], resolveRole: RoleResolver): Promise<Finding[]> {
  const statements = objects.flatMap((o) => renderLargeObjectMetadata(o, resolveRole));
  const warnings: Finding[] = [];
  for (let at = 0; at < statements.length; at += statementsPerBatch) {
    const batch = statements.slice(at, at + statementsPerBatch);
    // All or none: a refusal (also a GRANT the target only warns about) replays the batch one statement at a time,
    // each checked the same way.
    const applied = await target.executeAll(batch.map((s) => s.sql)).then(
      () => true,
      () => false,
    );
    if (applied) continue;
    for (const statement of batch) {
      const refused = await target.executeRefusable(statement.sql);
      if (refused) warnings.push(refusal(statement, refused));
    }
  }
  return warnings;
}
