/** Shows library events as one self-rewriting status line on a terminal; silent elsewhere. */
import { formatBytes, formatCount, formatMs } from '../model/units.js';
import type { PgferryEvent } from '../model/events.js';

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): { onEvent: (e: PgferryEvent) => void; done: () => void } {
  if (!stream.isTTY) return { onEvent: () => undefined, done: () => undefined };
  let shown = false;
  let phase = '';
  const running = new Set<string>();
  const show = (text: string) => {
    stream.write(`\r\x1b[2K${text.slice(0, (stream.columns ?? 80) - 1)}`);
    shown = true;
  };
  return {
    onEvent: (event) => {
      switch (event.type) {
        case 'phase:start':
          phase = event.phase;
          show(`${phase}…`);
          break;
        case 'step':
          show(`${event.phase}: ${event.endpoint}: ${event.what}…`);
          break;
        case 'count:progress':
          show(`preflight: counting rows ${event.done}/${event.total} (${event.table}: ${event.rows})`);
          break;
        case 'step:start':
          running.add(event.step);
          show(`${phase}: ${[...running].join(', ')}`);
          break;
        case 'step:done':
          running.delete(event.step);
          if (event.rows !== undefined) {
            // A finished copy stays on screen above the status line: rows, bytes and rate per table or chunk.
            const rate = (event.bytes ?? 0) / Math.max(event.ms / 1000, 0.001);
            stream.write(`\r\x1b[2K  ${event.step.replace(/^copy:/, '')}: ${formatCount(event.rows)} rows, ${formatBytes(event.bytes ?? 0)} in ${formatMs(event.ms)} (${formatBytes(rate)}/s)\n`);
          }
          break;
        case 'copy:progress': {
          const rate = event.bytes / Math.max(event.ms / 1000, 0.001);
          const eta = rate > 0 ? ((event.totalBytes - event.bytes) / rate) * 1000 : 0;
          const percent = event.totalBytes > 0 ? Math.min(100, Math.round((event.bytes / event.totalBytes) * 100)) : 100;
          show(`copy: ${formatBytes(event.bytes)} of ~${formatBytes(event.totalBytes)} (${percent}%), ${formatBytes(rate)}/s, ETA ${formatMs(Math.max(0, eta))} — ${[...running].join(', ')}`);
          break;
        }
        default:
          break;
      }
    },
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
