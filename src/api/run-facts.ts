/** What the run report keeps of preflight's and verify's facts: summaries, not the whole inventory or every differing row. */
import type { RunFacts, PreflightSummary, VerificationSummary } from '../model/run-record.js';
import type { Finding } from '../model/findings.js';
import type { PreflightFacts } from '../phases/preflight.js';
import type { VerifyFacts } from '../phases/verify.js';

const largestShown = 10;
/** Schema differences kept in the report; the command's own output lists them all. */
const schemaDifferencesShown = 200;

export function preflightSummary(facts: PreflightFacts): PreflightSummary {
  const { source, target } = facts;
  const server = (display: string, s: typeof source.inventory.server) => ({ display, version: s.version, database: s.database, databaseBytes: s.databaseBytes, encoding: s.encoding });
  const tables = source.inventory.tables.filter((t) => t.kind !== 'partitioned');
  return {
    source: {
      ...server(source.display, source.inventory.server),
      tableCount: tables.length,
      rows: tables.reduce((n, t) => n + t.rows, 0),
      rowsExact: tables.every((t) => t.rowsExact),
      extensions: source.inventory.extensions.map((e) => `${e.name} ${e.version}`),
      largeObjects: source.inventory.largeObjects,
      largestTables: [...tables].sort((a, b) => b.totalBytes - a.totalBytes).slice(0, largestShown).map((t) => ({ table: `${t.schema}.${t.name}`, rows: t.rows, totalBytes: t.totalBytes })),
    },
    target: { ...server(target.display, target.inventory.server), existingObjects: target.inventory.existingObjectCount },
    freeBytes: facts.local.freeBytes,
    blockers: facts.blockers,
    warnings: facts.warnings,
  };
}

export function verificationSummary(facts: VerifyFacts): VerificationSummary {
  return {
    differences: facts.differences,
    tables: facts.tables.map((t) => ({ table: t.table, sourceRows: t.sourceRows, targetRows: t.targetRows, content: t.content, differingRows: t.differingRows, ...(t.problem ? { problem: t.problem } : {}) })),
    schema: facts.schema.slice(0, schemaDifferencesShown),
    sequences: facts.sequences,
    largeObjects: facts.largeObjects ? { sourceCount: facts.largeObjects.sourceObjects, targetCount: facts.largeObjects.targetObjects, differences: facts.largeObjects.differences.length } : null,
    setAside: facts.setAside.map(({ table, rows, values }) => ({ table, rows, values })),
    leftOut: facts.leftOut,
  };
}

/** Facts for a result that may carry preflight, copied tables, a verification and warnings. */
export function runFacts(parts: { preflight?: PreflightFacts; backup?: RunFacts['backup'] | null; tables?: RunFacts['tables']; verification?: VerifyFacts | null; warnings?: readonly Finding[]; resumed?: boolean }): RunFacts {
  return {
    ...(parts.preflight ? { preflight: preflightSummary(parts.preflight) } : {}),
    ...(parts.backup ? { backup: parts.backup } : {}),
    ...(parts.tables ? { tables: parts.tables } : {}),
    ...(parts.verification ? { verification: verificationSummary(parts.verification) } : {}),
    ...(parts.warnings ? { warnings: parts.warnings } : {}),
    ...(parts.resumed !== undefined ? { resumed: parts.resumed } : {}),
  };
}
