/** The warnings for an object the target refused (or that needs one it refused), and for a refused statement. */
import type { Finding } from './findings.js';
import { shownReason, shownStatement } from './ddl/shown-statement.js';

/** `predicted`: preflight's rehearsal, not migrate. */
export function objectRefused(id: string, reason: string, predicted = false): Finding {
  return {
    code: 'OBJECT_REFUSED',
    message: `${id} ${predicted ? 'would not be' : 'was not'} created: ${reason}`,
    hint: 'Have a role allowed to (usually a superuser) create it on the target; verify reports it missing until then.',
  };
}

/**
 * A grant, ownership or setting the target refused, named by its statement; a setting's value (which may be a
 * secret) is shown as `****`, in the statement and in the server's reason. Warnings go to the journal too.
 */
export function privilegeNotApplied(statement: string, reason: string): Finding {
  return { code: 'PRIVILEGE_NOT_APPLIED', message: `target refused "${shownStatement(statement)}": ${shownReason(statement, reason)}` };
}
