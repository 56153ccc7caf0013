/**
 * The durable record of secondary writes that failed: one JSON line per failure, appended and flushed to disk
 * before the application's request returns, so `pgferry repair` finds every one even after a crash.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { readNdjson } from '../run/ndjson-file.js';

export interface FailedWrite {
  readonly at: string;
  /** The store the write failed on (the secondary). */
  readonly store: 'json' | 'postgres';
  readonly collection: string;
  /** The record's key value. */
  readonly key: unknown;
  readonly op: 'put' | 'delete';
  readonly error: { readonly code?: string; readonly message: string };
}

/**
 * Appends the entry and flushes it. When a repair renamed the log aside while the entry was being written, the
 * entry may have landed in the file the repair already read: it is appended again to the log the path names now
 * (a repair copies a record as it is now, so an entry seen twice does no harm).
 */
export function appendFailedWrite(log: string, entry: FailedWrite): void {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const fd = openSync(log, 'a', 0o600);
    let moved: boolean;
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
      // Compared while the file is still open, so its inode number cannot have been given to a new log meanwhile.
      const written = fstatSync(fd).ino;
      let now: number | undefined;
      try {
        now = statSync(log).ino;
      } catch {
        now = undefined;
      }
      moved = now !== written;
    } finally {
      closeSync(fd);
    }
    if (!moved) return;
  }
  throw new Error(`the failed-write log ${log} kept being moved while an entry was written`);
}

/** The entries of a log; a last line cut short by a crash is skipped (its write was never acknowledged as logged). */
export function readFailedWrites(log: string): FailedWrite[] {
  return existsSync(log) ? readNdjson<FailedWrite>(log) : [];
}

/**
 * Takes the log's entries for a repair: the log is renamed aside first (an atomic step: the application's next
 * failure starts a new log), joining what a repair that was stopped left aside.
 */
export function takeFailedWrites(log: string): { readonly entries: FailedWrite[]; readonly taken: string } {
  const taken = `${log}.repairing`;
  if (existsSync(log)) {
    if (!existsSync(taken)) renameSync(log, taken);
    else {
      const moved = `${log}.${process.pid}.moving`;
      renameSync(log, moved);
      const fd = openSync(taken, 'a', 0o600);
      try {
        writeSync(fd, readFailedWrites(moved).map((e) => `${JSON.stringify(e)}\n`).join(''));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      rmSync(moved);
    }
  }
  return { entries: readFailedWrites(taken), taken };
}
