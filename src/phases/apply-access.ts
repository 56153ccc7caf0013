/**
 * Gives the target the source's access model (schema:post, after owners and grants): each statement on its own,
 * so one the target refuses (with an error, or with the warning a GRANT without grant option gives) is named in a
 * warning and the rest still apply; what has no role to go to is named too.
 * Every statement may run again (GRANT, ALTER DEFAULT PRIVILEGES and ALTER … SET are idempotent).
 */
import type { TargetSession } from '../endpoints/endpoint.js';
import { planAccess } from '../model/ddl/render-access.js';
import type { RoleResolver } from '../model/ddl/render-privileges.js';
import type { Finding } from '../model/findings.js';
import { privilegeNotApplied } from '../model/refused-object.js';
import type { SchemaModel } from '../model/schema-model.js';

export async function applyAccess(model: SchemaModel, target: TargetSession, resolveRole: RoleResolver): Promise<Finding[]> {
  const database = await target.databaseName();
  const plan = planAccess(model, resolveRole, database);
  const warnings: Finding[] = plan.leftOut.map((item) => ({
    code: 'PRIVILEGE_NOT_APPLIED',
    message: `left out ${item}: a role it names has no counterpart on the target`,
    hint: 'Create the role on the target or map it with owners.map (verify reports it until then).',
  }));
  return [...warnings, ...(await applyPrivilegeStatements(target, plan.statements))];
}

/** Runs owner, grant and setting statements one by one; each the target refuses is a PRIVILEGE_NOT_APPLIED warning. */
export async function applyPrivilegeStatements(target: TargetSession, statements: readonly string[]): Promise<Finding[]> {
  const warnings: Finding[] = [];
  for (const statement of statements) {
    const refusal = await target.executeRefusable(statement);
    if (refusal) warnings.push(privilegeNotApplied(statement, refusal));
  }
  return warnings;
}
