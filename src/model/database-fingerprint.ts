/** What a connected database says about itself, and the rule that tells when two connections reach the same one. */

export interface DatabaseFingerprint {
  /** The cluster's system identifier; null when the role may not read it. A standby shares its primary's. */
  readonly cluster: string | null;
  /** When this server process started (UTC, microseconds): tells two running servers apart. */
  readonly instance: string;
  /** True on a standby (in recovery), which serves its primary's databases under the same OIDs. */
  readonly standby: boolean;
  /** The database's OID on its cluster. */
  readonly database: string;
}

/**
 * Pure. Same database OID on the same running server; or on one cluster (system identifier) where one side is
 * a standby, so it is a copy of the other that the other's writes change. A clone promoted from a backup shares
 * the system identifier too, but runs on its own and is not in recovery, so it counts as another database.
 */
export function sameDatabase(a: DatabaseFingerprint, b: DatabaseFingerprint): boolean {
  if (a.database !== b.database) return false;
  if (a.instance === b.instance && (a.cluster === null || b.cluster === null || a.cluster === b.cluster)) return true;
  return a.cluster !== null && a.cluster === b.cluster && (a.standby || b.standby);
}
