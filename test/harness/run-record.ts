/** What a refused run leaves: its run record (events log and reports) and nothing else — no journal, no backup. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const recordFile = /^(?:events|report)(?:-[\w-]+)?\.(?:ndjson|md|html|json)$/;

/** Files under `runDir` that are not part of a run record; [] also when the directory does not exist. */
export function filesBeyondRunRecord(runDir: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  let files: string[];
  try {
    files = walk(runDir);
  } catch {
    return [];
  }
  return files.filter((f) => !recordFile.test(f.split(/[\\/]/).at(-1)!)).map((f) => relative(runDir, f));
}
