/** The structure of an index, read from the catalogs beside its definition text, so decisions never parse DDL. */

/** One key column of an index: a table column or an expression, with what is not the default. */
export interface IndexKey {
  /** The table column, or null for an expression. */
  readonly column: string | null;
  /** The expression as the server deparses it (pg_get_indexdef(index, n, true)), or null for a column. */
  readonly expression: string | null;
  /** The operator class when not the default for the key's type, qualified ("public.gin_trgm_ops"). */
  readonly opclass: string | null;
  /** Operator class parameters, e.g. ["siglen=32"]; empty when none. */
  readonly opclassOptions: readonly string[];
  /** The collation when not the column's (for a column) or not the database default (for an expression), qualified. */
  readonly collation: string | null;
  readonly descending: boolean;
  /** NULLS FIRST or LAST when not the default for the order (LAST ascending, FIRST descending), else null. */
  readonly nulls: 'first' | 'last' | null;
}

export interface IndexStructure {
  readonly unique: boolean;
  /** Backs the table's primary key. */
  readonly primary: boolean;
  /** The access method: btree, hash, gin, gist, spgist, brin, or an extension's. */
  readonly method: string;
  readonly keys: readonly IndexKey[];
  /** INCLUDE columns. */
  readonly include: readonly string[];
  /** The WHERE of a partial index, as the server deparses it; null when the index is not partial. */
  readonly predicate: string | null;
  /** WITH storage options, e.g. ["fillfactor=70"]. */
  readonly options: readonly string[];
  /** The tablespace when not the database's default; not migrated, and so not compared. */
  readonly tablespace: string | null;
  /** NULLS NOT DISTINCT (PostgreSQL 15 and later; false before). */
  readonly nullsNotDistinct: boolean;
  /** pg_index.indisvalid: false for an index a failed CREATE INDEX CONCURRENTLY left, or a partitioned index missing a partition's. */
  readonly valid: boolean;
}
