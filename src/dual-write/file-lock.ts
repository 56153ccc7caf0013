/**
 * A lock on one collection file shared by every process (the application's, a repair's): a `<file>.lock` file made
 * with O_EXCL and holding the holder's pid, removed when the change is written. A lock whose holder is gone (a
 * killed process) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { PgferryError } from '../errors/pgferry-error.js';

function holderIsGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Runs `work` holding the lock of `file`; JSON_LOCKED when another process holds it longer than `waitMs`. */
export async function withFileLock<T>(file: string, work: () => T, waitMs = 10_000): Promise<T> {
  const lock = `${file}.lock`;
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (holderIsGone(lock)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() - started > waitMs) {
        throw new PgferryError('JSON_LOCKED', `${file} has been locked by another process for ${Math.round(waitMs / 1000)}s (${lock})`, {
          hint: 'Another process is changing the file (the application or pgferry repair); if none is, remove the .lock file.',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { force: true });
  }
}
