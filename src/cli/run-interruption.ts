/**
 * Ctrl-C and SIGTERM: the run being recorded gets a run:signal record and its reports before the process exits, so
 * an interrupted run still leaves a report saying where it stopped. Installed by the executable only, never by
 * the library or by tests running the CLI in-process.
 */
import { recordSignal } from '../api/report.js';
import type { EventListener } from '../model/events.js';
import { runExitCleanups } from '../run/exit-cleanups.js';

let recording: { readonly dir: string; readonly attempt: string } | undefined;

/** Passes events on, noting which run directory the current run records into. */
export function watchRunRecord(listener: EventListener | undefined): EventListener {
  return (event) => {
    if (event.type === 'run:record') recording = { dir: event.dir, attempt: event.attempt };
    listener?.(event);
  };
}

/** How long an interrupted run may spend dropping what must not outlive it. */
const cleanupLimitMs = 15_000;

const exitCodeOf: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

export function stopOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (recording) recordSignal(recording, signal);
      void runExitCleanups(cleanupLimitMs).finally(() => process.exit(exitCodeOf[signal]));
    });
  }
}
