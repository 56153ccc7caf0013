/** Typed events the library emits; the CLI renders them (a line on a TTY, NDJSON with --json). */

export type PgferryEvent =
  | { readonly type: 'phase:start'; readonly phase: string; readonly at: string }
  | { readonly type: 'phase:end'; readonly phase: string; readonly at: string; readonly ms: number }
  | { readonly type: 'step'; readonly phase: string; readonly endpoint: string; readonly what: string }
  | { readonly type: 'table:start'; readonly table: string; readonly bytes: number }
  | { readonly type: 'table:done'; readonly table: string; readonly rows: number; readonly bytes: number; readonly ms: number }
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
