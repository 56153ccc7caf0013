/** Pure: the execution log of a run — every phase of every attempt with its start, end, status and what it did. */
import { formatBytes, formatCount } from '../model/units.js';
import { attemptStatus, type Attempt } from './report-attempts.js';

export interface ReportPhase {
  readonly attempt: number;
  readonly phase: string;
  readonly startedAt: string;
  /** null when the phase never ended. */
  readonly endedAt: string | null;
  readonly ms: number | null;
  /** The last moment the log knows the phase was going: its end, or the attempt's last record. */
  readonly seenUntil: string;
  /** done; failed (the attempt ended with an error in it); interrupted (killed or stopped by a signal in it). */
  readonly status: 'done' | 'failed' | 'interrupted' | 'running';
  readonly notes: string;
}

interface Counters {
  readonly phase: string;
  readonly startedAt: string;
  endedAt: string | null;
  ms: number | null;
  steps: number;
  rows: number;
  bytes: number;
  readonly running: Set<string>;
}

export function phasesOf(attempts: readonly Attempt[]): ReportPhase[] {
  return attempts.flatMap((attempt) => {
    const phases: Counters[] = [];
    const open = () => lastOf(phases, (p) => p.endedAt === null);
    for (const record of attempt.events) {
      if (record.type === 'phase:start') {
        phases.push({ phase: record.phase, startedAt: record.at, endedAt: null, ms: null, steps: 0, rows: 0, bytes: 0, running: new Set() });
      } else if (record.type === 'phase:end') {
        const phase = lastOf(phases, (p) => p.phase === record.phase && p.endedAt === null);
        if (phase) Object.assign(phase, { endedAt: record.at, ms: record.ms });
      } else if (record.type === 'step:start') {
        open()?.running.add(record.step);
      } else if (record.type === 'step:done') {
        const phase = open();
        if (!phase) continue;
        phase.running.delete(record.step);
        phase.steps += 1;
        phase.rows += record.phase === 'copy' ? (record.rows ?? 0) : 0;
        phase.bytes += record.phase === 'copy' ? (record.bytes ?? 0) : 0;
      }
    }
    const unfinished = attemptStatus(attempt) === 'failed' || attemptStatus(attempt) === 'blocked' ? 'failed' : attempt.end ? 'done' : 'interrupted';
    const lastSeen = attempt.end?.at ?? attempt.signal?.at ?? attempt.events.at(-1)?.at ?? attempt.start.at;
    return phases.map((p): ReportPhase => {
      const status = p.endedAt !== null ? 'done' : unfinished === 'done' ? 'running' : unfinished;
      const seenUntil = p.endedAt ?? lastSeen;
      return { attempt: attempt.number, phase: p.phase, startedAt: p.startedAt, endedAt: p.endedAt, ms: p.ms, seenUntil, status, notes: notesOf(p, status, attempt) };
    });
  });
}

function notesOf(phase: Counters, status: ReportPhase['status'], attempt: Attempt): string {
  const notes: string[] = [];
  if (phase.steps > 0) notes.push(`${formatCount(phase.steps)} step${phase.steps === 1 ? '' : 's'} done`);
  if (phase.rows > 0 || phase.bytes > 0) notes.push(`${formatCount(phase.rows)} rows, ${formatBytes(phase.bytes)} copied`);
  if (status !== 'done' && phase.running.size > 0) notes.push(`${phase.running.size} step${phase.running.size === 1 ? '' : 's'} unfinished: ${[...phase.running].slice(0, 3).join(', ')}${phase.running.size > 3 ? '…' : ''}`);
  if (status === 'failed' && attempt.end?.error) notes.push(`stopped by ${attempt.end.error.code}`);
  if (status === 'interrupted') notes.push(attempt.signal ? `stopped by ${attempt.signal.signal}` : 'the process ended without a word (killed)');
  return notes.join('; ');
}

function lastOf<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i -= 1) if (test(items[i]!)) return items[i];
  return undefined;
}
