/**
 * A lock on one collection file shared by every process (the application's, a repair's): a `<file>.lock` file made
 * with O_EXCL, holding the holder's host, pid and a token of its own, removed when the change is written. A lock is
 * held only while a file is rewritten, so one left behind is stale: its holder on this host is gone (or was an
 * earlier process with this pid), it is empty (its holder died making it), or it is older than any rewrite takes.
 * A stale lock is taken over by renaming it aside under a name of one's own and checking it is still the one judged
 * stale, so two processes taking it over at once cannot both win.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { PgferryError } from '../errors/pgferry-error.js';

/** A lock this old is stale whatever it says (a holder in another container, a pid reused). */
const staleAfterMs = 60_000;
/** An empty lock this old was left by a holder that died between making it and writing it. */
const emptyStaleAfterMs = 2_000;

/** The lock's text if it is stale (what a takeover must find when it moves it aside), else undefined. */
function staleLock(lock: string): string | undefined {
  let text: string;
  let age: number;
  try {
    text = readFileSync(lock, 'utf8');
    age = Date.now() - statSync(lock).mtimeMs;
  } catch {
    return undefined;
  }
  if (age > staleAfterMs) return text;
  const [host, pidText] = text.split(' ');
  if (!host || !pidText) return age > emptyStaleAfterMs ? text : undefined;
  if (host !== hostname()) return undefined;
  const pid = Number(pidText);
  // Within this process a lock is made and removed in one synchronous stretch: one holding our pid is an earlier process's.
  if (pid === process.pid) return text;
  try {
    process.kill(pid, 0);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? text : undefined;
  }
}

/** Moves a stale lock aside; if what was moved is not the lock judged stale (a new holder's), puts it back. */
function takeOver(lock: string, judged: string): void {
  const aside = `${lock}.${process.pid}.${randomUUID()}.stale`;
  try {
    renameSync(lock, aside);
  } catch {
    return;
  }
  try {
    if (readFileSync(aside, 'utf8') !== judged) linkSync(aside, lock);
  } catch {
    // Another lock was made meanwhile: the holder whose lock was moved still finishes its rewrite (rare; see docs).
  } finally {
    rmSync(aside, { force: true });
  }
}

/** Makes the lock file; false when it exists. */
function tryLock(lock: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PgferryError('JSON_READ_FAILED', `the directory ${dirname(lock)} does not exist`, { hint: "Check that the data directory is there (mounted) and named right in the store's settings." });
    }
    throw error;
  }
  try {
    writeSync(fd, text);
  } catch (error) {
    closeSync(fd);
    rmSync(lock, { force: true });
    throw error;
  }
  closeSync(fd);
  return true;
}

/** Runs `work` holding the lock of `file`; JSON_LOCKED when another process holds it longer than `waitMs`. */
export async function withFileLock<T>(file: string, work: () => T, waitMs = 10_000): Promise<T> {
  const lock = `${file}.lock`;
  const mine = `${hostname()} ${process.pid} ${randomUUID()}`;
  const started = Date.now();
  while (!tryLock(lock, mine)) {
    const stale = staleLock(lock);
    if (stale !== undefined) {
      takeOver(lock, stale);
      continue;
    }
    if (Date.now() - started > waitMs) {
      throw new PgferryError('JSON_LOCKED', `${file} has been locked by another process for ${Math.round(waitMs / 1000)}s (${lock})`, {
        hint: 'Another process is changing the file (the application or pgferry repair); a lock left by a process that is gone is taken over after a minute at most.',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  try {
    return work();
  } finally {
    // Only our own lock is removed (a takeover of a lock judged stale by mistake must not let us remove another's).
    try {
      if (readFileSync(lock, 'utf8') === mine) rmSync(lock, { force: true });
    } catch {
      // Already gone.
    }
  }
}
