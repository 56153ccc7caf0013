/** Pure: what a person does after a run, as a checklist; what pgferry already did is ticked. */

export interface ChecklistItem {
  readonly done: boolean;
  readonly text: string;
}

/** How long the old database is kept after a migration, as a habit: long enough to notice what went wrong. */
const keepOldDatabaseDays = 14;

export interface ChecklistInput {
  readonly command: string;
  readonly status: string;
  readonly target: string | null;
  readonly endedAt: string | null;
  readonly hint: string | undefined;
  readonly verified: boolean;
  /** The backup this run took of the source, when it took one. */
  readonly backupDir: string | null;
}

export function checklistFor(run: ChecklistInput): ChecklistItem[] {
  const next: ChecklistItem[] = run.hint ? [{ done: false, text: `Next: ${run.hint}` }] : [];
  if (run.command === 'migrate' && run.status === 'migrated') {
    const until = new Date(Date.parse(run.endedAt ?? new Date().toISOString()) + keepOldDatabaseDays * 86_400_000).toISOString().slice(0, 10);
    return [
      { done: true, text: 'ANALYZE ran on every table migrate loaded, so the planner has statistics from the first query.' },
      { done: run.verified, text: run.verified ? 'Verified: counts, checksums, schema and sequences compared with the source.' : 'Run `pgferry verify` with the same source and target: this run did not verify.' },
      { done: false, text: `Point the application's DATABASE_URL at the new database (${run.target ?? 'the target'}), then restart it.` },
      { done: false, text: 'Check that backups of the new database are configured (provider snapshots or a pg_dump schedule), and restore one once.' },
      { done: false, text: 'Enable pg_stat_statements on the new server (shared_preload_libraries, then CREATE EXTENSION pg_stat_statements) to compare query times with the old one.' },
      { done: false, text: `Keep the old database, unchanged and reachable, until ${until} — the way back if something shows up late.` },
    ];
  }
  if (run.command === 'migrate' && (run.status === 'failed' || run.status === 'did not finish' || run.status === 'interrupted')) {
    return [
      ...next,
      {
        done: true,
        text: `The source was not changed: migrate only reads it.${run.backupDir ? ` Its backup, taken before anything was written, is ${run.backupDir} (restore it with \`pgferry restore ${run.backupDir} --to <url>\`).` : ''}`,
      },
      { done: false, text: 'Run the same `pgferry migrate` command again: it resumes where this run stopped, and this report grows with it.' },
    ];
  }
  if (run.command === 'migrate' && run.status === 'blocked') {
    return [...next, { done: false, text: 'Fix the blockers listed under Preflight, then run `pgferry migrate` again; nothing was written to the target.' }];
  }
  return next;
}
