/** The attributes only a superuser may give (SUPERUSER, REPLICATION, BYPASSRLS), one at a time on a created role. */
import { runRefusable } from '../endpoints/postgres/run-refusable.js';
import type { Session } from '../endpoints/postgres/run-query.js';
import { renderSuperuserAttributes } from '../model/ddl/render-access.js';
import type { Finding } from '../model/findings.js';
import type { RoleDef } from '../model/schema-model.js';

/** `name`: the role as created on the target. Each refusal becomes a warning naming the role and the attribute. */
export async function giveSuperuserAttributes(target: Session, role: RoleDef, name: string): Promise<Finding[]> {
  const warnings: Finding[] = [];
  for (const { attribute, statement } of renderSuperuserAttributes(role, name)) {
    const refusal = await runRefusable(target, statement);
    if (refusal) {
      warnings.push({
        code: 'PRIVILEGE_NOT_APPLIED',
        message: `role ${name} was created without ${attribute}: the target refused it (${refusal})`,
        hint: `Ask a superuser of the target to run ALTER ROLE ${name} ${attribute}, or accept the difference verify reports.`,
      });
    }
  }
  return warnings;
}
