/**
 * A copy step's reject file: one JSON line per row the target refused (with the server's reason, `rejects: file`)
 * and per row or value the source's value policy set aside (table, rowid, column, value, reason).
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import type { RejectSink } from '../endpoints/endpoint.js';
import { rejectFilePath, type RunPaths } from './run-paths.js';

/** Opens the step's file emptied: a redone step writes its rejects again. */
export async function openRejectFile(paths: RunPaths, stepId: string): Promise<RejectSink> {
  await mkdir(paths.rejects, { recursive: true });
  const location = rejectFilePath(paths, stepId);
  const out = createWriteStream(location, { flags: 'w' });
  await once(out, 'open');
  const line = async (record: object) => {
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  };
  return {
    location,
    write: (row, reason) => line({ step: stepId, reason: reason.message, sqlState: reason.sqlState, detail: reason.detail, row }),
    writeSetAside: (entry) => line({ step: stepId, ...entry }),
    close: () => new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve()))),
  };
}

/**
 * One sink for a copy step's both ends, opened (emptied) at the first write. `restart` closes it, so a new pass over
 * the rows (a retry, the row-by-row pass) writes the file again from the start.
 */
export function stepRejectSink(open: () => Promise<RejectSink>): RejectSink & { restart(): Promise<void> } {
  let opened: Promise<RejectSink> | undefined;
  let location = '';
  const sink = () =>
    (opened ??= open().then((s) => {
      location = s.location;
      return s;
    }));
  const close = async () => {
    const was = opened;
    opened = undefined;
    await (await was)?.close();
  };
  return {
    get location() {
      return location;
    },
    write: async (row, reason) => (await sink()).write(row, reason),
    writeSetAside: async (entry) => (await sink()).writeSetAside(entry),
    restart: close,
    close,
  };
}
