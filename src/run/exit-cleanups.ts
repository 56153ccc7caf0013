/**
 * What must not outlive an interrupted process (a scratch database on the target's server, the roles made for it):
 * registered while it exists, run by the command line before it exits on Ctrl-C or SIGTERM, within a time limit.
 */
const cleanups = new Set<() => Promise<void>>();

/** Registers `work`; the returned function unregisters it (call it once the thing is cleaned up the normal way). */
export function cleanUpOnExit(work: () => Promise<void>): () => void {
  cleanups.add(work);
  return () => void cleanups.delete(work);
}

/** Runs every registered cleanup at once; gives up on those still running after `limitMs`. */
export async function runExitCleanups(limitMs: number): Promise<void> {
  const running = [...cleanups].map((work) => work().catch(() => undefined));
  cleanups.clear();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
  await Promise.race([Promise.all(running), limit]);
  clearTimeout(timer);
}
