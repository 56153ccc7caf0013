/**
 * Gives the target the source's access model (schema:post, after owners and grants): each statement on its own,
 * so one the target refuses (with an error, or with the warning a GRANT without grant option gives) is named in a
 * warning and the rest still apply; what has no role to go to is named too.
 * Every statement may run again (GRANT, ALTER DEFAULT PRIVILEGES and ALTER … SET are idempotent).
 */
import { runQuery, type Session } from '../endpoints/postgres/run-query.js';
import { planAccess } from '../model/ddl/render-access.js';
import type { RoleResolver } from '../model/ddl/render-privileges.js';
import type { Finding } from '../model/findings.js';
import type { SchemaModel } from '../model/schema-model.js';

export async function applyAccess(model: SchemaModel, target: Session, resolveRole: RoleResolver): Promise<Finding[]> {
  const [{ database }] = (await runQuery<{ database: string }>(target, 'the target database name', 'SELECT current_database() AS database')) as [{ database: string }];
  const plan = planAccess(model, resolveRole, database);
  const warnings: Finding[] = plan.leftOut.map((item) => ({
    code: 'PRIVILEGE_NOT_APPLIED',
    message: `left out ${item}: a role it names has no counterpart on the target`,
    hint: 'Create the role on the target or map it with owners.map (verify reports it until then).',
  }));
  for (const statement of plan.statements) {
    const refusal = await runRefusable(target, statement);
    if (refusal) warnings.push({ code: 'PRIVILEGE_NOT_APPLIED', message: `target refused "${statement}": ${refusal}` });
  }
  return warnings;
}

/** SQLSTATEs of the warnings a GRANT or REVOKE by a role without the grant option gives instead of an error. */
const silentRefusals = new Set(['01007', '01006']);

/** Runs one statement; returns why the target refused it, also when it only said so in a warning. */
async function runRefusable(target: Session, statement: string): Promise<string | null> {
  const notices: string[] = [];
  const onNotice = (notice: { code?: string; message?: string }) => {
    if (notice.code && silentRefusals.has(notice.code)) notices.push(notice.message ?? notice.code);
  };
  target.client.on('notice', onNotice);
  try {
    await target.client.query(statement);
    return notices.length > 0 ? notices.join('; ') : null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    target.client.off('notice', onNotice);
  }
}
