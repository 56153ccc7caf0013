/** Reads a run's journal from outside (as a person would open it) and kills a spawned run at a chosen moment. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { spawnCli } from './spawn-cli.js';

export interface StepRow {
  id: string;
  phase: string;
  status: 'running' | 'done';
  attempts: number;
}

/** The journal of the one source/target pair in `runDir`, once it exists. */
export function journalPath(runDir: string): string | undefined {
  const dir = existsSync(runDir) ? readdirSync(runDir).find((d) => d.startsWith('migrate-')) : undefined;
  return dir && existsSync(join(runDir, dir, 'journal.sqlite')) ? join(runDir, dir, 'journal.sqlite') : undefined;
}

export function readSteps(runDir: string): StepRow[] {
  const path = journalPath(runDir);
  if (!path) return [];
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT id, phase, status, attempts FROM steps').all() as StepRow[];
    } finally {
      db.close();
    }
  } catch {
    // Not created or locked yet: no step to see.
    return [];
  }
}

export function isDone(steps: readonly StepRow[], id: string): boolean {
  return steps.some((s) => s.id === id && s.status === 'done');
}

/** Runs the CLI in a child process and kills it with SIGKILL as soon as `moment` holds for the journal; returns the steps seen then. */
export async function killWhen(argv: string[], runDir: string, moment: (steps: StepRow[]) => boolean): Promise<StepRow[]> {
  const run = spawnCli(...argv);
  let exited = false;
  void run.exited.then(() => (exited = true));
  for (;;) {
    const steps = readSteps(runDir);
    if (moment(steps)) {
      run.child.kill('SIGKILL');
      await run.exited;
      return steps;
    }
    if (exited) assert.fail(`the run ended before the moment to kill it came: ${(await run.exited).stderr}`);
    await sleep(5);
  }
}
