/**
 * A table's rows as a source hands them to the copy: a stream of rows any target can read, and, where both ends
 * are PostgreSQL, the source's own COPY stream, which the target takes as it is (the fast path).
 */
import type { Readable } from 'node:stream';

/** One row: each value in PostgreSQL's text input form for its column (null for NULL), in `columns` order. */
export type RowValues = ReadonlyArray<string | null>;

export interface TableRows {
  /** The columns the rows carry, in order (the target loads these). */
  readonly columns: readonly string[];
  /** The rows one by one; for a source that also offers copyData, reading them is the slow path. */
  rows(): AsyncIterable<RowValues>;
  /**
   * The rows in PostgreSQL's COPY format ("binary" or "text"), when the source speaks it: a target that does pipes
   * the bytes straight through. Read either this or rows(), never both.
   */
  readonly copyData?: { readonly format: 'binary' | 'text'; readonly stream: Readable };
  /** Rows handed over so far (the source's own count when it has one). */
  rowsRead(): number;
  /** What the source's own value policy kept from the target so far: rows left out, values made NULL. */
  setAside?(): SetAsideCounts;
  /** The source's account of a failure while reading: its own error, with its own words. */
  failure(error: unknown): Error;
  /** Stops a read that did not reach its end (the source may have to drop its session). */
  cancel(): void;
}

export interface SetAsideCounts {
  readonly rows: number;
  readonly values: number;
}

/** A row (or one value of it) the source's value policy kept from the target, named as the source names it. */
export interface SetAside {
  /** rejected: the row was not loaded; nulled: it was, with this value NULL. */
  readonly action: 'rejected' | 'nulled';
  readonly table: string;
  /** The row's name in the source: its rowid, or its key as `(a, b)`. */
  readonly rowid: string;
  readonly column: string;
  /** The value as stored, clipped; bytes as hex. */
  readonly value: string;
  readonly reason: string;
}

/** Where a load puts the rows its target refuses, and those the source set aside, with the reason. */
export interface RejectSink {
  /** Where the rejects are kept, for messages. */
  readonly location: string;
  write(row: RowValues, reason: { readonly message: string; readonly sqlState?: string; readonly detail?: string }): Promise<void>;
  writeSetAside(entry: SetAside): Promise<void>;
  close(): Promise<void>;
}
