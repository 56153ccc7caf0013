/** A copy step's reject file: one JSON line per refused row, with the server's reason (rejects: file). */
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
  return {
    location,
    write: async (row, reason) => {
      if (!out.write(`${JSON.stringify({ step: stepId, reason: reason.message, sqlState: reason.sqlState, detail: reason.detail, row })}\n`)) await once(out, 'drain');
    },
    close: () => new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve()))),
  };
}
