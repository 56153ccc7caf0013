/**
 * One statement the target may refuse without that stopping the run (a grant, an owner change, a setting). A GRANT
 * or REVOKE by a role without the grant option is not an error: the server only warns (SQLSTATE 01007 / 01006) and
 * changes nothing, so those warnings count as a refusal too, on every path that applies such statements.
 */
import type { Session } from './run-query.js';
import { serverErrorFields } from './server-error.js';

const silentRefusals = new Set(['01007', '01006']);

/**
 * Runs `work` on `target`; resolves to the warnings by which the server said a GRANT or REVOKE changed nothing, as
 * an error carrying their SQLSTATE (so a savepoint around it rolls back as for any refusal), or null.
 */
export async function refusedSilently(target: Session, work: () => Promise<unknown>): Promise<Error | null> {
  const notices: Array<{ code: string; message: string }> = [];
  const onNotice = (notice: { code?: string; message?: string }) => {
    if (notice.code && silentRefusals.has(notice.code)) notices.push({ code: notice.code, message: notice.message ?? notice.code });
  };
  target.client.on('notice', onNotice);
  try {
    await work();
  } finally {
    target.client.off('notice', onNotice);
  }
  if (notices.length === 0) return null;
  return Object.assign(new Error(notices.map((n) => n.message).join('; ')), { code: notices[0]!.code });
}

/** Resolves to why the target refused `statement`, or null when it applied. Anything but a server's refusal is thrown. */
export async function runRefusable(target: Session, statement: string): Promise<string | null> {
  try {
    return (await refusedSilently(target, () => target.client.query(statement)))?.message ?? null;
  } catch (error) {
    if (!serverErrorFields(error).sqlState) throw error;
    return (error as Error).message;
  }
}
