/** Typed events the library emits; the CLI renders them (a line on a TTY, NDJSON with --json). */
import type { BackupManifest } from './backup-manifest.js';

export type PgferryEvent =
  | { readonly type: 'phase:start'; readonly phase: string; readonly at: string }
  | { readonly type: 'phase:end'; readonly phase: string; readonly at: string; readonly ms: number }
  | { readonly type: 'step'; readonly phase: string; readonly endpoint: string; readonly what: string }
  | { readonly type: 'step:start'; readonly phase: string; readonly step: string }
  | { readonly type: 'step:done'; readonly phase: string; readonly step: string; readonly ms: number; readonly rows?: number; readonly bytes?: number }
  | { readonly type: 'copy:progress'; readonly table: string; readonly bytes: number; readonly totalBytes: number; readonly ms: number }
  | { readonly type: 'warning'; readonly code: string; readonly message: string }
  /** The run is being recorded: its log and reports are in this directory (not itself written to the log). */
  | { readonly type: 'run:record'; readonly dir: string; readonly attempt: string }
  /** A backup written and checked: where it is and its manifest. */
  | { readonly type: 'backup:done'; readonly dir: string; readonly manifest: BackupManifest }
  | {
      readonly type: 'count:progress';
      readonly endpoint: string;
      readonly table: string;
      readonly done: number;
      readonly total: number;
      readonly rows: number;
    };

export type EventListener = (event: PgferryEvent) => void;

/** Emits to the listener if there is one; a listener that throws never breaks the run. */
export function emitter(listener: EventListener | undefined): EventListener {
  return (event) => {
    try {
      listener?.(event);
    } catch {
      // Rendering problems must not stop a migration.
    }
  };
}
