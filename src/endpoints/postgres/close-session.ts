/** Closing a session that may be stuck (in COPY OUT, or behind a dead peer) and bounding waits on a session. */
import type { Session } from './run-query.js';

/**
 * Drops the session's socket at once. A source left in COPY OUT never reads another message, so neither a
 * Terminate nor a cancel would be seen in time; a closed socket ends that backend and releases its snapshot.
 */
export function closeSession(session: Session): void {
  session.client.connection.stream.destroy();
}

/** A live server answers ROLLBACK at once; a silent one is closed rather than waited for. */
const rollbackWaitMs = 10_000;

/** Rolls back the session's transaction, closing the session when the server does not answer in time; never throws. */
export async function rollbackOrClose(session: Session): Promise<void> {
  await withinTime(session, rollbackWaitMs, 'ROLLBACK', session.client.query('ROLLBACK')).catch(() => undefined);
}

/** Resolves with `work`, or closes the session and rejects when `ms` pass first. */
export async function withinTime<T>(session: Session, ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      closeSession(session);
      reject(new Error(`${session.label}: no answer to ${what} within ${ms / 1000}s; the session was closed`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
