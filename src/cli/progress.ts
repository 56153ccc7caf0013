/** Shows library events as one self-rewriting status line on a terminal; silent elsewhere. */
import type { PgferryEvent } from '../run/events.js';

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): { onEvent: (e: PgferryEvent) => void; done: () => void } {
  if (!stream.isTTY) return { onEvent: () => undefined, done: () => undefined };
  let shown = false;
  const show = (text: string) => {
    stream.write(`\r\x1b[2K${text.slice(0, (stream.columns ?? 80) - 1)}`);
    shown = true;
  };
  return {
    onEvent: (event) => {
      if (event.type === 'step') show(`${event.phase}: ${event.endpoint}: ${event.what}…`);
      if (event.type === 'count:progress') show(`preflight: counting rows ${event.done}/${event.total} (${event.table}: ${event.rows})`);
    },
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
