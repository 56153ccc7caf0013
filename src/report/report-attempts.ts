/** Pure: a run log's records split into attempts (one per run:start), each with how it ended. */
import type { EventRecord, RunEndRecord, RunRecord, RunSignalRecord, RunStartRecord } from '../model/run-record.js';

export interface Attempt {
  readonly id: string;
  /** 1 for the first attempt in the log. */
  readonly number: number;
  readonly start: RunStartRecord;
  readonly end: RunEndRecord | undefined;
  readonly signal: RunSignalRecord | undefined;
  /** The attempt's events, in the order they were written. */
  readonly events: readonly EventRecord[];
}

/** How an attempt ended as a word: its result status, "interrupted" (a signal) or "did not finish" (killed). */
export function attemptStatus(attempt: Attempt): string {
  if (attempt.end) return attempt.end.status;
  return attempt.signal ? 'interrupted' : 'did not finish';
}

export function splitAttempts(records: readonly RunRecord[]): Attempt[] {
  const byId = new Map<string, { start: RunStartRecord; end?: RunEndRecord; signal?: RunSignalRecord; events: EventRecord[] }>();
  for (const record of records) {
    if (record.type === 'run:start') {
      byId.set(record.attempt, { start: record, events: [] });
      continue;
    }
    const attempt = byId.get(record.attempt);
    if (!attempt) continue;
    if (record.type === 'run:end') attempt.end = record;
    else if (record.type === 'run:signal') attempt.signal = record;
    else attempt.events.push(record);
  }
  return [...byId.entries()].map(([id, a], i) => ({ id, number: i + 1, start: a.start, end: a.end, signal: a.signal, events: a.events }));
}

/**
 * The attempt whose outcome is the run's: the last one, leaving out attempts refused because another run held the
 * run directory or target (they changed nothing; the run that held it is the one this report is about).
 */
export function decisiveAttempt(attempts: readonly Attempt[]): Attempt | undefined {
  const counted = attempts.filter((a) => a.end?.error?.code !== 'RUN_IN_PROGRESS');
  return counted.at(-1) ?? attempts.at(-1);
}
