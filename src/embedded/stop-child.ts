/** Stops a server process we started, by its PID: a polite signal first, SIGKILL if it lingers. */
import type { ChildProcess } from 'node:child_process';

/** Call right after spawn, so an exit that happens early is not missed; the returned function stops the child. */
export function childStopper(child: ChildProcess, signal: NodeJS.Signals, graceMs = 20_000): () => Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
}
