/** Free space where the run directory (and later backups) will be written. */
import { stat, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PgferryError } from '../errors/pgferry-error.js';

export interface LocalFacts {
  readonly runDir: string;
  readonly freeBytes: number;
  /** An upper bound for a backup of the source: its on-disk size. */
  readonly estimatedBackupBytes: number;
}

/** Measures the file system that holds `runDir`, or its nearest existing parent if it does not exist yet. */
export async function readLocalFacts(runDir: string, estimatedBackupBytes: number): Promise<LocalFacts> {
  let path = resolve(runDir);
  for (;;) {
    try {
      const stats = await statfs(path);
      return { runDir: resolve(runDir), freeBytes: stats.bavail * stats.bsize, estimatedBackupBytes };
    } catch (error) {
      const parent = dirname(path);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw await notADirectory(runDir, path, error);
      if (code !== 'ENOENT' || parent === path) throw runDirError(runDir, (error as Error).message, error);
      path = parent;
    }
  }
}

/** Names the part of the run directory's path that is a file, not a directory. */
async function notADirectory(runDir: string, path: string, cause: unknown): Promise<PgferryError> {
  for (let at = path; dirname(at) !== at; at = dirname(at)) {
    const found = await stat(at).catch(() => undefined);
    if (found && !found.isDirectory()) return runDirError(runDir, `${at} is a file, not a directory`, cause);
  }
  return runDirError(runDir, (cause as Error).message, cause);
}

function runDirError(runDir: string, why: string, cause: unknown): PgferryError {
  return new PgferryError('JOURNAL_FAILED', `the run directory ${resolve(runDir)} cannot hold the run journal: ${why}`, {
    hint: 'Choose a directory on a local disk with --run-dir (or runDir in the plan).',
    cause,
  });
}
