/** The warning for an object the target refused, or that needs one it refused. */
import type { Finding } from './findings.js';

/** `predicted`: preflight's rehearsal, not migrate. */
export function objectRefused(id: string, reason: string, predicted = false): Finding {
  return {
    code: 'OBJECT_REFUSED',
    message: `${id} ${predicted ? 'would not be' : 'was not'} created: ${reason}`,
    hint: 'Have a role allowed to (usually a superuser) create it on the target; verify reports it missing until then.',
  };
}
