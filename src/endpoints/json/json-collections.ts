/**
 * A JSON source: a directory of collection files, each a JSON array of objects (`users.json`) or NDJSON, one object
 * per line (`events.ndjson`, `events.jsonl`). The collection's name is the file's name without its extension.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { PgferryError } from '../../errors/pgferry-error.js';
import { redactSecrets } from '../../errors/redact.js';
import { isJsonObject, JsonTextError, parseJsonText, type JsonValue } from '../../model/json/json-text.js';

export type JsonRecord = { [key: string]: JsonValue };

export interface JsonCollection {
  readonly name: string;
  readonly file: string;
  readonly records: readonly JsonRecord[];
}

const arrayFiles = new Set(['.json']);
const lineFiles = new Set(['.ndjson', '.jsonl']);

/** Whether `url` names a JSON source: json://… */
export function isJsonLocation(url: string): boolean {
  return /^json:\/\//i.test(url);
}

/**
 * The absolute directory: json:///abs/dir → /abs/dir; json://rel/dir is relative to the working directory.
 * URL_INVALID when `url` is not a json:// URL.
 */
export function jsonDirectory(url: string): string {
  if (!isJsonLocation(url)) {
    throw new PgferryError('URL_INVALID', `"${redactSecrets(url)}" is not a JSON directory`, { hint: 'Give the directory of collection files as json:///path/to/dir (or json://relative/dir).' });
  }
  return resolve(decodeURIComponent(url.replace(/^json:\/\//i, '').replace(/[?#].*$/, '')));
}

/** JSON_READ_FAILED unless `directory` is a directory. */
export function requireDirectory(directory: string): void {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new PgferryError('JSON_READ_FAILED', `the JSON source ${directory} is not a directory`, {
      hint: 'Give the directory holding the collection files: json:///srv/app/data (users.json, projects.json…).',
    });
  }
}

/** A file may start with a UTF-8 byte order mark, which is no part of its JSON. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function invalid(file: string, error: JsonTextError): PgferryError {
  return new PgferryError('JSON_INVALID', `${file}, ${error.message}`, {
    hint: 'Fix the file (a JSON array of objects, or NDJSON with one object per line), then run again; nothing was read from this source.',
  });
}

/** The records of a collection file holding a JSON array of objects; JSON_INVALID names the file and place. */
export function recordsOfArray(file: string, text: string): JsonRecord[] {
  let value: JsonValue;
  try {
    value = parseJsonText(withoutBom(text));
  } catch (error) {
    if (error instanceof JsonTextError) throw invalid(file, error);
    throw error;
  }
  if (!Array.isArray(value)) throw invalid(file, new JsonTextError(`the file holds ${value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}, not an array of records`, 1, 1));
  return value.map((record, i) => {
    if (!isJsonObject(record)) throw new PgferryError('JSON_INVALID', `${file}: record ${i + 1} of the array is not an object`, { hint: 'Every record of a collection file is a JSON object; fix that one, then run again.' });
    return record;
  });
}

function recordsOfLines(file: string, text: string): JsonRecord[] {
  const records: JsonRecord[] = [];
  withoutBom(text).split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: JsonValue;
    try {
      value = parseJsonText(line, { lineOffset: i });
    } catch (error) {
      if (error instanceof JsonTextError) throw invalid(file, error);
      throw error;
    }
    if (!isJsonObject(value)) throw invalid(file, new JsonTextError('the line is not a JSON object', i + 1, 1));
    records.push(value);
  });
  return records;
}

/** Every collection of the directory, by name; a file that cannot be read or parsed stops with its name and place. */
export function readJsonCollections(directory: string): JsonCollection[] {
  requireDirectory(directory);
  return collectionFiles(directory).map((f) => readJsonCollection(join(directory, f)));
}

/** One collection file's records (an array, or NDJSON by its extension); errors name the file and place. */
export function readJsonCollection(file: string): JsonCollection {
  if (!existsSync(file)) {
    throw new PgferryError('JSON_READ_FAILED', `the collection file ${file} does not exist`, { hint: "Check the mapping's file: names (relative to the source directory) and the --from directory." });
  }
  const text = readFileSync(file, 'utf8');
  const records = isLineFile(file) ? recordsOfLines(file, text) : recordsOfArray(file, text);
  return { name: basename(file, extname(file)), file, records };
}

/**
 * A file's identity and version, taken before it is read: an atomic rewrite (rename) changes the inode, an edit in
 * place the size or the time, so a reader can tell whether the records it holds are still the file's.
 */
export function fileStamp(file: string): string {
  const s = statSync(file, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}`;
}

/** A collection file's records with the stamp of the version read. */
export function readStampedCollection(file: string): JsonCollection & { readonly stamp: string } {
  const stamp = existsSync(file) ? fileStamp(file) : '';
  return { ...readJsonCollection(file), stamp };
}

/** Whether a collection file holds NDJSON (one object per line) rather than an array. */
export function isLineFile(file: string): boolean {
  return lineFiles.has(extname(file).toLowerCase());
}

/** The collection files of a directory (*.json, *.ndjson, *.jsonl), by name. */
export function collectionFiles(directory: string): string[] {
  return readdirSync(directory)
    .filter((f) => arrayFiles.has(extname(f).toLowerCase()) || lineFiles.has(extname(f).toLowerCase()))
    .sort();
}
