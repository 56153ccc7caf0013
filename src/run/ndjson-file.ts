/** Reading a file of JSON lines appended as things happen. */
import { readFileSync } from 'node:fs';

/** The records of an NDJSON file; a last line cut short (the process died writing it) is left out. */
export function readNdjson<T>(path: string): T[] {
  const records: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      // Only the line being written when the process died can be incomplete.
    }
  }
  return records;
}
