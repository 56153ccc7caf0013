/** A phase as the events show it: phase:start, the work, phase:end with its duration (none when the work fails). */
import type { EventListener } from '../model/events.js';

export async function timedPhase<T>(emit: EventListener, name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  emit({ type: 'phase:start', phase: name, at: new Date(started).toISOString() });
  const result = await work();
  emit({ type: 'phase:end', phase: name, at: new Date().toISOString(), ms: Date.now() - started });
  return result;
}
