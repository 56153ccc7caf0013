/**
 * One statement the target may refuse without that stopping the run (a grant, an owner change, a setting). A GRANT
 * or REVOKE by a role without the grant option is not an error: the server only warns (SQLSTATE 01007 / 01006) and
 * changes nothing, so those warnings count as a refusal too.
 */
import type { Session } from './run-query.js';
import { serverErrorFields } from './server-error.js';

const silentRefusals = new Set(['01007', '01006']);

/** Resolves to why the target refused `statement`, or null when it applied. Anything but a server's refusal is thrown. */
export async function runRefusable(target: Session, statement: string): Promise<string | null> {
  const notices: string[] = [];
  const onNotice = (notice: { code?: string; message?: string }) => {
    if (notice.code && silentRefusals.has(notice.code)) notices.push(notice.message ?? notice.code);
  };
  target.client.on('notice', onNotice);
  try {
    await target.client.query(statement);
    return notices.length > 0 ? notices.join('; ') : null;
  } catch (error) {
    if (!serverErrorFields(error).sqlState) throw error;
    return (error as Error).message;
  } finally {
    target.client.off('notice', onNotice);
  }
}
