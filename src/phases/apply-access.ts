/**
 * Gives the target the source's access model (schema:post, after owners and grants): each statement on its own,
 * so one the target refuses (with an error, or with the warning a GRANT without grant option gives) is named in a
 * warning and the rest still apply; what has no role to go to is named too.
 * Every statement may run again (GRANT, ALTER DEFAULT PRIVILEGES and ALTER … SET are idempotent).
 */
import { runRefusable } from '../endpoints/postgres/run-refusable.js';
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
