/**
 * Pure: a warning for each collation whose version differs between the servers. Text sorted under one version may
 * sort otherwise under another: the target builds its indexes fresh (nothing is corrupted), but ORDER BY and
 * range conditions on those columns may give other results than on the source.
 */
import type { ColumnCollationVersion } from '../endpoints/postgres/queries/collation-versions.js';
import type { Finding } from '../model/findings.js';

export function collationVersionWarnings(source: readonly ColumnCollationVersion[], target: readonly ColumnCollationVersion[]): Finding[] {
  const onTarget = new Map(target.map((t) => [t.collation, t]));
  return source.flatMap((s) => {
    // The source's rows and indexes were sorted under the version it recorded; the target's are sorted under its own now.
    const sourceVersion = s.recordedVersion ?? s.actualVersion;
    const t = onTarget.get(s.collation);
    const targetVersion = t?.actualVersion ?? t?.recordedVersion ?? null;
    if (sourceVersion === null || targetVersion === null || sourceVersion === targetVersion) return [];
    return [
      {
        code: 'COLLATION_VERSION_DIFFERS',
        message: `collation ${s.collation} has version ${sourceVersion} on the source and ${targetVersion} on the target (columns ${s.columns.join(', ')}); text may sort differently`,
        hint: 'The target built its indexes under its own version, so nothing is corrupted; check queries that depend on the order of these columns.',
      },
    ];
  });
}
