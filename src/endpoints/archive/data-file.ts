/**
 * A table's data file: its rows as PostgreSQL COPY text, gzip-compressed. Written with the sha256 and size of the
 * compressed bytes computed on the way to disk; read back as a COPY text stream that counts its rows (one per line:
 * COPY text escapes newlines inside values).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline as pipelineStreams, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { PgferryError } from '../../errors/pgferry-error.js';
import { copyTextRows, encodeCopyTextRow } from '../copy-text.js';
import type { TableRows } from '../table-rows.js';

export interface WrittenDataFile {
  readonly bytes: number;
  readonly sha256: string;
  /** Uncompressed COPY text bytes. */
  readonly textBytes: number;
}

/** Calls `seen` with every chunk passing through. */
function tap(seen: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen(chunk);
      done(null, chunk);
    },
  });
}

async function* encodedRows(rows: TableRows): AsyncIterable<string> {
  for await (const row of rows.rows()) yield encodeCopyTextRow(row);
}

/** Writes `rows` (text COPY, or the row stream encoded as it) to `path`; the caller handles the source's failure. */
export async function writeDataFile(path: string, rows: TableRows, onProgress?: (textBytes: number) => void): Promise<WrittenDataFile> {
  if (rows.copyData && rows.copyData.format !== 'text') throw new Error('a portable archive holds COPY text, not binary COPY');
  return writeCompressedText(path, rows.copyData?.stream ?? Readable.from(encodedRows(rows)), onProgress);
}

/** Writes the COPY text `source` gives to `path`, gzip-compressed, hashing the compressed bytes on the way. */
export async function writeCompressedText(path: string, source: Readable, onProgress?: (textBytes: number) => void): Promise<WrittenDataFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  let textBytes = 0;
  await pipeline(
    source,
    tap((chunk) => {
      textBytes += chunk.length;
      onProgress?.(textBytes);
    }),
    createGzip(),
    tap((chunk) => {
      bytes += chunk.length;
      hash.update(chunk);
    }),
    createWriteStream(path),
  );
  return { bytes, sha256: hash.digest('hex'), textBytes };
}

/** A data file's decompressed bytes; a failure of the file or of gzip ends the stream with it. */
export function openCompressedText(path: string): Readable {
  // The callback's error is the returned stream's own, which its reader sees; ending early destroys the file too.
  return pipelineStreams(createReadStream(path), createGunzip(), () => undefined);
}

export function unreadableDataFile(label: string, error: unknown): PgferryError {
  return error instanceof PgferryError
    ? error
    : new PgferryError('BACKUP_CORRUPT', `reading ${label} failed: ${(error as Error).message}`, {
        hint: 'The data file cannot be read back although it matched the manifest when the restore began; check the disk, then restore again from an intact copy.',
        cause: error,
      });
}

/** The rows of a data file as COPY text; `label` names the file in errors. */
export function openDataFileRows(path: string, label: string, columns: readonly string[]): TableRows {
  const file = createReadStream(path);
  const gunzip = createGunzip();
  let rowsRead = 0;
  const counter = tap((chunk) => {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rowsRead += 1;
  });
  file.once('error', (error) => gunzip.destroy(error));
  gunzip.once('error', (error) => counter.destroy(error));
  const stream = file.pipe(gunzip).pipe(counter);
  return {
    columns,
    copyData: { format: 'text', stream },
    rows: () => copyTextRows(stream, columns.length),
    rowsRead: () => rowsRead,
    failure: (error) => unreadableDataFile(label, error),
    cancel: () => {
      file.destroy();
      gunzip.destroy();
      counter.destroy();
    },
  };
}
