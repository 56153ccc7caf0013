/**
 * Writes a collection file atomically: a temporary file beside it, flushed, renamed over it, the directory flushed,
 * so a crash leaves the old file or the new one, never half of one. Records are written one per line, numbers as
 * their text.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { jsonTextOf } from '../../model/json/json-text.js';
import { isLineFile } from './json-collections.js';

let written = 0;

/** The file's text: a JSON array with one record per line, or NDJSON for a .ndjson or .jsonl file. */
export function collectionFileText(file: string, records: readonly unknown[]): string {
  if (isLineFile(file)) return records.map((r) => `${jsonTextOf(r)}\n`).join('');
  return records.length === 0 ? '[]\n' : `[\n${records.map((r) => `  ${jsonTextOf(r)}`).join(',\n')}\n]\n`;
}

export function writeCollectionFile(file: string, records: readonly unknown[]): void {
  const temporary = `${file}.${process.pid}.${(written += 1)}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, collectionFileText(file, records));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
