/**
 * An oracle for one area of object kinds: a normalized snapshot of those objects read by catalog queries written
 * here, never by pgferry's own schema readers, so a test can compare a source with its migrated target.
 * Each area has a fixture (test/fixtures/kinds/<area>.sql) that creates its objects on an empty database as a
 * superuser, on every major from 14 to 18.
 */
import type pg from 'pg';

export interface KindOracle {
  /** The fixture's file name without `.sql`. */
  readonly area: string;
  /**
   * Every object of the area as `"<kind> <name>" → its properties`, in a form that does not depend on OIDs, on
   * the server's major, or on which database it is read from.
   */
  snapshot(client: pg.Client): Promise<Record<string, unknown>>;
  /**
   * Keys of `snapshot` that a managed-style target (the database owner has CREATEDB and CREATEROLE, no superuser)
   * refuses to create; migrate must name each of them in a warning.
   */
  readonly refusedWithoutSuperuser: readonly string[];
}
