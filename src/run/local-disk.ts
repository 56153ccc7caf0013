/** Free space where the run directory (and later backups) will be written. */
import { statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

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
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw error;
      path = parent;
    }
  }
}
