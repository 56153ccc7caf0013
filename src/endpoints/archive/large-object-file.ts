/**
 * A data file of large objects: one line per piece — the object's OID, the piece's offset and its data (bytea, hex)
 * — as gzip-compressed COPY text. A piece at offset 0 creates its object (the whole of a small one); a big object's
 * later pieces follow it. psql restores it through a temporary table (restore-script.ts); pgferry reads it back in
 * batches as TargetSession.writeLargeObjects takes them.
 */
import { Readable } from 'node:stream';
import { PgferryError } from '../../errors/pgferry-error.js';
import type { LargeObjectPiece } from '../../model/large-objects.js';
import { copyTextRows, encodeCopyTextRow } from '../copy-text.js';
import { openCompressedText, unreadableDataFile, writeCompressedText, type WrittenDataFile } from './data-file.js';

/** The file's columns, as restore.sql's temporary table names them. */
export const largeObjectColumns = ['object_oid', 'byte_offset', 'data'] as const;

/** A batch read back holds about this much data at most (a piece is at most this big already) … */
const batchBytes = 1024 * 1024;
/** … and at most this many pieces (many empty or tiny objects). */
const piecesPerBatch = 1000;

export interface WrittenLargeObjectFile extends WrittenDataFile {
  readonly objects: number;
  /** The objects' data, uncompressed. */
  readonly dataBytes: number;
}

/** Writes `batches` to `path`; `onProgress` gets the data bytes written so far after each batch. */
export async function writeLargeObjectFile(path: string, batches: AsyncIterable<LargeObjectPiece[]>, onProgress?: (bytes: number) => void): Promise<WrittenLargeObjectFile> {
  let objects = 0;
  let dataBytes = 0;
  async function* lines(): AsyncIterable<string> {
    for await (const batch of batches) {
      for (const piece of batch) {
        if (piece.offset === 0) objects += 1;
        dataBytes += piece.data.length;
        yield encodeCopyTextRow([String(piece.oid), String(piece.offset), `\\x${piece.data.toString('hex')}`]);
      }
      onProgress?.(dataBytes);
    }
  }
  const file = await writeCompressedText(path, Readable.from(lines()));
  return { ...file, objects, dataBytes };
}

function pieceOf(row: ReadonlyArray<string | null>, label: string, line: number): LargeObjectPiece {
  const [oid, offset, data] = row;
  if (row.length !== 3 || !/^\d+$/.test(oid ?? '') || !/^\d+$/.test(offset ?? '') || !/^\\x([0-9a-f]{2})*$/.test(data ?? '')) {
    throw new PgferryError('BACKUP_CORRUPT', `${label}, line ${line}, is not a large object's piece (OID, offset, hex data)`, {
      hint: 'The archive is damaged although its file matched the manifest; restore from an intact copy, or take a new backup.',
    });
  }
  return { oid: Number(oid), offset: Number(offset), data: Buffer.from(data!.slice(2), 'hex') };
}

/** The pieces of the file at `path` in batches of bounded size, in file order; `label` names the file in errors. */
export async function* readLargeObjectFile(path: string, label: string): AsyncGenerator<LargeObjectPiece[]> {
  let batch: LargeObjectPiece[] = [];
  let bytes = 0;
  let line = 0;
  try {
    for await (const row of copyTextRows(openCompressedText(path), largeObjectColumns.length)) {
      const piece = pieceOf(row, label, (line += 1));
      if (batch.length > 0 && (batch.length >= piecesPerBatch || bytes + piece.data.length > batchBytes)) {
        yield batch;
        batch = [];
        bytes = 0;
      }
      batch.push(piece);
      bytes += piece.data.length;
    }
  } catch (error) {
    throw unreadableDataFile(label, error);
  }
  if (batch.length > 0) yield batch;
}
