/** A collation's version on one server, and the columns that sort under it. */
export interface ColumnCollationVersion {
  /** schema.name, unquoted */
  readonly collation: string;
  /** pg_collation.collversion: the version recorded when the collation was created or last refreshed. */
  readonly recordedVersion: string | null;
  /** What the server's ICU or C library reports now. */
  readonly actualVersion: string | null;
  /** schema.table.column of every column using it */
  readonly columns: readonly string[];
}
