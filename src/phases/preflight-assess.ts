/** Pure rules that turn the two inventories and local facts into blockers and warnings. */
import type { Finding } from '../model/findings.js';
import type { CollationFacts, ConnectionPath, SourceInventory, TargetInventory } from '../model/inventory.js';
import type { Plan } from '../plan/plan-schema.js';
import { formatBytes } from '../model/units.js';
import type { LocalFacts } from '../run/local-disk.js';

export interface Assessment {
  readonly blockers: readonly Finding[];
  readonly warnings: readonly Finding[];
}

type AssessPlan = Pick<Plan, 'ifTargetNotEmpty' | 'jobs'>;

export function assessPreflight(source: SourceInventory, target: TargetInventory, local: LocalFacts, plan: AssessPlan, resuming = false): Assessment {
  const blockers: Finding[] = [];
  const warnings: Finding[] = [];

  for (const [side, path] of [['source', source.path], ['target', target.path]] as const) {
    const finding = pathFinding(side, path);
    if (finding) (path.kind === 'proxy' ? warnings : blockers).push(finding);
  }

  if (target.server.major < source.server.major) {
    blockers.push({
      code: 'TARGET_OLDER_THAN_SOURCE',
      message: `target runs PostgreSQL ${target.server.version}, older than the source's ${source.server.version}`,
      hint: `Use a target of major ${source.server.major} or newer; pgferry never moves a database to an older major.`,
    });
  }

  if (target.existingObjectCount > 0 && !resuming) {
    const sample = target.existingObjects.join(', ');
    const more = target.existingObjectCount > target.existingObjects.length ? ` and ${target.existingObjectCount - target.existingObjects.length} more` : '';
    const finding: Finding = {
      code: 'TARGET_NOT_EMPTY',
      message: `target already holds ${target.existingObjectCount} object(s): ${sample}${more}`,
      hint: 'Point at an empty database, or set ifTargetNotEmpty: drop in the plan (--if-target-not-empty drop) to replace them.',
    };
    (plan.ifTargetNotEmpty === 'refuse' ? blockers : warnings).push(finding);
  }

  const offered = new Set(target.availableExtensions.map((e) => e.name));
  for (const extension of source.extensions) {
    if (!offered.has(extension.name)) {
      blockers.push({
        code: 'EXTENSION_MISSING_ON_TARGET',
        message: `extension ${extension.name} ${extension.version} is used by the source but the target does not offer it`,
        hint: `Install ${extension.name} on the target server (or ask your provider to allow it), or drop it from the source first.`,
      });
    }
  }

  if (target.privileges.schemasWithoutCreate.length > 0) {
    blockers.push({
      code: 'NO_CREATE_PRIVILEGE',
      message: `target role ${target.server.user} cannot create objects in schema(s) ${target.privileges.schemasWithoutCreate.join(', ')}`,
      hint: `As the owner run: GRANT CREATE ON SCHEMA <schema> TO ${target.server.user};`,
    });
  }
  if (!target.privileges.canCreateSchemas && target.privileges.missingSchemas.length > 0) {
    blockers.push({
      code: 'NO_CREATE_PRIVILEGE',
      message: `target role ${target.server.user} cannot create schemas in database ${target.server.database} (needed for ${target.privileges.missingSchemas.join(', ')})`,
      hint: `As the owner run: GRANT CREATE ON DATABASE ${target.server.database} TO ${target.server.user};`,
    });
  }

  const spare = target.server.maxConnections - target.server.connections.reduce((n, c) => n + c.count, 0) - 1;
  // At the most at once: the run lock, the run's own session, one per job, and one reading the schema during verify.
  const wanted = plan.jobs + 3;
  if (spare < wanted) {
    warnings.push({
      code: 'TARGET_CONNECTIONS_LOW',
      message: `target allows ${target.server.maxConnections} connections with ${Math.max(spare, 0)} free; the run wants up to ${wanted}`,
      hint: 'Lower --jobs, or close other sessions on the target.',
    });
  }

  warnings.push(...collationFindings(source.collation, target.collation));

  const encodings = { source: source.server.encoding, target: target.server.encoding };
  if (encodings.source !== encodings.target && encodings.target !== 'UTF8') {
    (encodings.target === 'SQL_ASCII' ? warnings : blockers).push({
      code: 'TARGET_ENCODING',
      message:
        encodings.target === 'SQL_ASCII'
          ? `target database uses SQL_ASCII: it stores the source's ${encodings.source} text as bytes, unchecked, and sorts and compares it as bytes`
          : `target database uses ${encodings.target}, which cannot hold every character of the source's ${encodings.source} text; the copy would stop at the first one`,
      hint: `Create the target database with ENCODING 'UTF8' (CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0), or with the source's ${encodings.source}.`,
    });
  }

  const hidden = source.tables.filter((t) => t.rowSecurityApplies);
  if (hidden.length > 0) {
    blockers.push({
      code: 'ROW_SECURITY_HIDES_ROWS',
      message: `row-level security filters what source role ${source.server.user} reads from ${hidden.length} table(s): ${hidden.map((t) => `${t.schema}.${t.name}`).join(', ')}; a copy would miss the rows its policies hide`,
      hint: `Connect as a superuser or the tables' owner, or as the owner run: ALTER ROLE ${source.server.user} BYPASSRLS; (pgferry reads with row_security = off, like pg_dump, and fails rather than copy part of a table).`,
    });
  }

  const keyless = source.tables.filter((t) => t.kind !== 'partitioned' && !t.hasPrimaryKey && (t.replicaIdentity === 'default' || t.replicaIdentity === 'nothing'));
  if (keyless.length > 0) {
    warnings.push({
      code: 'TABLES_WITHOUT_KEY',
      message: `${keyless.length} table(s) have no primary key and no replica identity: ${keyless.map((t) => `${t.schema}.${t.name}`).join(', ')}`,
      hint: 'They copy and verify fine (as whole-row multisets) but cannot be split into chunks or replicated online; add a primary key where you can.',
    });
  }

  if (source.unsupported.length > 0) {
    warnings.push({
      code: 'UNSUPPORTED_OBJECTS',
      message: `the source has ${source.unsupported.length} object(s) pgferry will not migrate: ${source.unsupported.map((o) => `${o.kind} ${o.name}`).join('; ')}`,
      hint: 'Recreate them on the target by hand after the run, or drop them from the source if they are unused.',
    });
  }

  warnings.push(...(source.mappingNotes ?? []));

  const activeSessions = source.server.connections.reduce((n, c) => n + c.count, 0);
  if (activeSessions > 0) {
    warnings.push({
      code: 'SOURCE_IN_USE',
      message: `the source has ${activeSessions} other client session(s) open; writes made after the copy's snapshot will not be in the target`,
      hint: 'Stop the applications that write to the source before the copy (see the connections listed above).',
    });
  }

  if (local.freeBytes < local.estimatedBackupBytes) {
    warnings.push({
      code: 'LOW_DISK',
      message: `${formatBytes(local.freeBytes)} free at ${local.runDir}, less than the source's ${formatBytes(local.estimatedBackupBytes)} a backup may need`,
      hint: 'Free space there, or point --run-dir at a larger disk before taking a backup.',
    });
  }

  return { blockers, warnings };
}

function pathFinding(side: 'source' | 'target', path: ConnectionPath): Finding | undefined {
  if (path.kind === 'direct') return undefined;
  if (path.kind === 'proxy') {
    return {
      code: 'PROXY_IN_PATH',
      message: `${side} connection is relayed (${path.evidence})`,
      hint: 'Fine for a session pooler or port forward; if this is a pooler, prefer the direct URL for long copies.',
    };
  }
  return {
    code: 'POOLER_IN_PATH',
    message: `${side} URL goes through a ${path.kind.replace('-', ' ')} (${path.evidence}); exported snapshots, COPY and replication need a direct session`,
    hint: `Use the ${side}'s direct URL (managed providers list it beside the pooled one; PgBouncer's port is often 6432, PostgreSQL's 5432).`,
  };
}

function collationFindings(source: CollationFacts, target: CollationFacts): Finding[] {
  const findings: Finding[] = [];
  const describe = (c: CollationFacts) => `${c.provider} ${c.locale ?? c.collate}${c.actualVersion ? ` version ${c.actualVersion}` : ''}`;
  const differs =
    source.provider !== target.provider ||
    source.collate !== target.collate ||
    (source.locale ?? '') !== (target.locale ?? '') ||
    (source.actualVersion !== null && target.actualVersion !== null && source.actualVersion !== target.actualVersion);
  if (differs) {
    findings.push({
      code: 'COLLATION_DIFFERS',
      message: `default collation differs: source ${describe(source)}, target ${describe(target)}; text may sort differently`,
      hint: 'pgferry builds every index fresh on the target, so nothing is corrupted, but ORDER BY on text may return another order.',
    });
  }
  for (const [side, c] of [['source', source], ['target', target]] as const) {
    if (c.recordedVersion && c.actualVersion && c.recordedVersion !== c.actualVersion) {
      findings.push({
        code: 'COLLATION_VERSION_MISMATCH',
        message: `${side} database was created with collation version ${c.recordedVersion} but the server's library now has ${c.actualVersion}`,
        hint: 'Existing text indexes there may be out of order; REINDEX them and run ALTER DATABASE … REFRESH COLLATION VERSION.',
      });
    }
  }
  return findings;
}
