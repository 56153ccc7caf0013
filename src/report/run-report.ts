/**
 * Pure: a run's report as a value, built from its log's records (src/run/run-log.ts). report.json is this value;
 * report.md and report.html render it.
 */
import type { BackupManifest } from '../model/backup-manifest.js';
import type { Finding } from '../model/findings.js';
import type { PreflightSummary, RestoreSummary, RunFacts, RunRecord, VerificationSummary } from '../model/run-record.js';
import { attemptStatus, decisiveAttempt, splitAttempts } from './report-attempts.js';
import { checklistFor, type ChecklistItem } from './report-checklist.js';
import { phasesOf, type ReportPhase } from './report-phases.js';
import { tablesOf, type ReportTable } from './report-tables.js';

export interface ReportAttempt {
  readonly number: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly status: string;
  readonly error: { readonly code: string; readonly message: string; readonly hint?: string } | null;
}

export interface RunReport {
  readonly formatVersion: 1;
  readonly command: string;
  readonly pgferryVersion: string;
  /** The decisive attempt's result status, or "did not finish" (killed) or "interrupted" (stopped by a signal). */
  readonly status: string;
  readonly finished: boolean;
  readonly source: string | null;
  readonly target: string | null;
  /** The first attempt's start; the decisive attempt's end (null when it did not finish). */
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly ms: number | null;
  readonly error: ReportAttempt['error'];
  readonly attempts: readonly ReportAttempt[];
  /** The plan of the decisive attempt, secrets masked when it was recorded. */
  readonly plan: unknown;
  readonly preflight: PreflightSummary | null;
  readonly backup: { readonly dir: string; readonly manifest: BackupManifest } | null;
  readonly phases: readonly ReportPhase[];
  readonly tables: readonly ReportTable[];
  readonly verification: VerificationSummary | null;
  readonly restore: RestoreSummary | null;
  /** When writes to the application were stopped at cutover; null until a cutover records it. */
  readonly writeDowntime: { readonly startedAt: string; readonly endedAt: string; readonly ms: number } | null;
  readonly warnings: readonly Finding[];
  readonly checklist: readonly ChecklistItem[];
}

export function buildRunReport(records: readonly RunRecord[]): RunReport | undefined {
  const attempts = splitAttempts(records);
  const decisive = decisiveAttempt(attempts);
  if (!decisive) return undefined;
  const ended = attempts.filter((a) => a.end);
  const facts = <K extends 'preflight' | 'verification' | 'backup' | 'restore'>(key: K): NonNullable<RunFacts[K]> | null =>
    ended.map((a) => a.end!.facts[key]).filter((f): f is NonNullable<RunFacts[K]> => f !== undefined).at(-1) ?? null;
  const events = attempts.flatMap((a) => a.events);
  const backupEvent = events.filter((e) => e.type === 'backup:done').at(-1);
  const backup = backupEvent?.type === 'backup:done' ? { dir: backupEvent.dir, manifest: backupEvent.manifest } : facts('backup');
  const status = attemptStatus(decisive);
  const error = decisive.end?.error ?? null;
  const endedAt = decisive.end?.at ?? decisive.signal?.at ?? null;
  const startedAt = attempts[0]!.start.at;
  const verification = status === 'failed' && !decisive.end?.facts.verification ? null : facts('verification');
  return {
    formatVersion: 1,
    command: decisive.start.command,
    pgferryVersion: decisive.start.version,
    status,
    finished: decisive.end !== undefined,
    source: decisive.start.source,
    target: decisive.start.target,
    startedAt,
    endedAt,
    ms: endedAt === null ? null : Date.parse(endedAt) - Date.parse(startedAt),
    error,
    attempts: attempts.map((a) => ({ number: a.number, startedAt: a.start.at, endedAt: a.end?.at ?? a.signal?.at ?? null, status: attemptStatus(a), error: a.end?.error ?? null })),
    plan: decisive.start.plan,
    preflight: facts('preflight'),
    backup,
    phases: phasesOf(attempts),
    tables: tablesOf(events),
    verification,
    restore: facts('restore'),
    writeDowntime: null,
    warnings: warningsOf(records),
    checklist: checklistFor({ command: decisive.start.command, status, target: decisive.start.target, endedAt, hint: error?.hint, verified: (verification?.differences ?? -1) === 0, backupDir: backup?.dir ?? null }),
  };
}

/** Warnings as events and in results, each once. */
function warningsOf(records: readonly RunRecord[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const record of records) {
    const found = record.type === 'warning' ? [{ code: record.code, message: record.message }] : record.type === 'run:end' ? (record.facts.warnings ?? []) : [];
    for (const warning of found) seen.set(`${warning.code}\n${warning.message}`, warning);
  }
  return [...seen.values()];
}
