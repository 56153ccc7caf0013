/**
 * The public commands of a JSON source (docs/JSON.md): migrate (create the tables, backfill, verify), verify
 * (record by record) and export (PostgreSQL back to the files). Each resolves the plan, needs its `json` mapping,
 * is recorded like every run (events, reports) and never throws.
 */
import { join } from 'node:path';
import { repairFailedWrites, type RepairOutcome } from '../dual-write/repair.js';
import { collectionFiles, isJsonLocation, jsonDirectory, readStampedCollection, requireDirectory } from '../endpoints/json/json-collections.js';
import { JsonTargetDatabase } from '../endpoints/postgres/json-target.js';
import { asPgferryError, PgferryError } from '../errors/pgferry-error.js';
import type { EventListener } from '../model/events.js';
import type { Finding } from '../model/findings.js';
import { checkedJsonMapping } from '../model/json/checked-mapping.js';
import type { JsonCollectionMapping } from '../model/json/infer-mapping.js';
import type { RunFacts } from '../model/run-record.js';
import { backfillJson, type CollectionBackfill } from '../phases/json-backfill.js';
import { exportJson, type CollectionExport } from '../phases/json-export.js';
import { verifyJson, type CollectionComparison } from '../phases/json-verify.js';
import { timedPhase } from '../phases/timed-phase.js';
import type { Plan } from '../plan/plan-schema.js';
import { resolvePlan, type PlanSources } from '../plan/resolve-plan.js';
import { commandPathsFor, type RecordPaths } from '../run/run-paths.js';
import { logStartedAt } from '../run/run-log.js';
import type { Failed } from './with-endpoints.js';
import { withRunRecord, type Recorded, type RunRecorder } from './with-run-record.js';

export interface JsonRunOptions extends PlanSources {
  readonly onEvent?: EventListener;
  /** verify: differing records shown per collection (default 10). */
  readonly maxDiffs?: number;
  /** export: replace collection files that exist in the target directory. */
  readonly overwrite?: boolean;
  /** migrate: create the mapping's tables only (what the dual-write store needs before phase 1). */
  readonly schemaOnly?: boolean;
}

/** A verification's totals: differences are missing + extra + differing records. */
export interface JsonVerification {
  readonly collections: readonly CollectionComparison[];
  readonly differences: number;
  readonly setAside: number;
}

export type JsonMigrateResult = (
  | {
      readonly status: 'migrated';
      readonly ms: number;
      readonly source: string;
      readonly target: string;
      readonly tablesCreated: readonly string[];
      readonly collections: readonly CollectionBackfill[];
      readonly verification: JsonVerification | null;
      readonly warnings: readonly Finding[];
    }
  | Failed
) & Recorded;

export type JsonVerifyResult = (({ readonly status: 'equal' | 'different'; readonly ms: number; readonly source: string; readonly target: string } & JsonVerification) | Failed) & Recorded;

export type JsonExportResult = (({ readonly status: 'exported'; readonly ms: number; readonly source: string; readonly target: string; readonly collections: readonly CollectionExport[] }) | Failed) & Recorded;

/** Whether the plan these sources resolve to reads a JSON source (false when it does not resolve: the normal path reports why). */
export async function plansJsonSource(sources: PlanSources): Promise<boolean> {
  try {
    return isJsonLocation((await resolvePlan(sources)).source);
  } catch {
    return false;
  }
}

interface JsonRun {
  readonly plan: Plan;
  /** The command's run directory and record. */
  readonly paths: RecordPaths;
  readonly directory: string;
  readonly collections: Readonly<Record<string, JsonCollectionMapping>>;
  readonly database: JsonTargetDatabase;
}

/**
 * Resolves the plan, opens the database (`databaseEnd` names which end of the plan it is), starts the run record,
 * does the work and closes; a failure is a result, never a throw.
 */
async function withJsonRun<T extends object>(
  command: string,
  sources: PlanSources,
  recorder: RunRecorder,
  databaseEnd: 'source' | 'target',
  work: (run: JsonRun) => Promise<T>,
): Promise<Readonly<T & { ms: number }> | Failed> {
  const started = Date.now();
  let database: JsonTargetDatabase | undefined;
  try {
    const plan = await resolvePlan(sources);
    const files = databaseEnd === 'target' ? plan.source : plan.target;
    const url = databaseEnd === 'target' ? plan.target : plan.source;
    const directory = jsonDirectory(files);
    const collections = checkedJsonMapping(plan.json?.collections);
    database = new JsonTargetDatabase(url, collections, { connectTimeoutSeconds: plan.connectTimeoutSeconds, env: sources.env ?? process.env, label: databaseEnd });
    const paths = commandPathsFor(plan.runDir, command, `json:${directory}`, database.identity);
    const earlier = logStartedAt(paths);
    const [source, target] = databaseEnd === 'target' ? [directory, database.display] : [database.display, directory];
    recorder.begin({ paths, plan, source, target, ...(earlier ? { keepEarlierAs: earlier } : {}) });
    if (command !== 'migrate') {
      const missing = await database.missingTables();
      if (missing.length > 0) {
        throw new PgferryError('JSON_TABLES_MISSING', `${database.display} has no table ${missing.join(', ')}, which the json mapping names`, {
          hint: `Run pgferry migrate with this plan first (--schema-only creates the tables without copying records), or point --${databaseEnd === 'target' ? 'to' : 'from'} at the database that has them.`,
        });
      }
    } else requireDirectory(directory);
    const value = await work({ plan, paths, directory, collections, database });
    return Object.freeze({ ...value, ms: Date.now() - started });
  } catch (error) {
    return Object.freeze({ status: 'failed', ms: Date.now() - started, error: asPgferryError(error) });
  } finally {
    await database?.close().catch(() => undefined);
  }
}

function verification(collections: readonly CollectionComparison[]): JsonVerification {
  return {
    collections,
    differences: collections.reduce((n, c) => n + c.missing + c.extra + c.differing, 0),
    setAside: collections.reduce((n, c) => n + c.setAside, 0),
  };
}

/** What the run report shows of a JSON verification, in the shape every verification has. */
function verificationFacts(v: JsonVerification): RunFacts['verification'] {
  return {
    differences: v.differences,
    tables: v.collections.map((c) => ({ table: c.table, sourceRows: c.sourceRecords - c.setAside, targetRows: c.targetRecords, content: c.missing + c.extra + c.differing === 0 ? 'equal' : 'different', differingRows: c.missing + c.extra + c.differing })),
    schema: [],
    sequences: [],
    largeObjects: null,
    setAside: v.collections.filter((c) => c.setAside > 0).map((c) => ({ table: c.table, rows: c.setAside, values: 0 })),
  };
}

/** Collection files of the directory the mapping does not name: read by nothing, said so. */
function unmappedFiles(directory: string, collections: Readonly<Record<string, JsonCollectionMapping>>): Finding[] {
  const mapped = new Set(Object.values(collections).map((m) => join(directory, m.file)));
  return collectionFiles(directory)
    .filter((f) => !mapped.has(join(directory, f)))
    .map((f) => ({ code: 'JSON_NOT_MAPPED', message: `${f} is in the source directory but the mapping names no collection for it: not migrated`, hint: 'Add it to json.collections (pgferry infer drafts it), or move it out of the directory.' }));
}

/**
 * Creates the mapping's tables on the target (those missing), upserts every record of every collection file, and
 * verifies record by record. Re-running it is safe: records already equal are not written again.
 *
 * @example
 * const result = await migrateJson({ planFile: 'plan.yaml', overrides: { source: 'json:///srv/app/data', target: 'postgres://app@db/app' } });
 */
export async function migrateJson(options: JsonRunOptions): Promise<JsonMigrateResult> {
  return withRunRecord(
    'migrate',
    options.onEvent,
    (recorder) =>
      withJsonRun('migrate', options, recorder, 'target', async ({ plan, paths, directory, collections, database }) => {
        const emit = recorder.onEvent;
        // Every file is read (and must parse) before anything is written.
        const files = new Map(Object.entries(collections).map(([name, m]) => [name, readStampedCollection(join(directory, m.file))]));
        const warnings = unmappedFiles(directory, collections);
        for (const w of warnings) emit({ type: 'warning', code: w.code, message: w.message });
        const tables = await timedPhase(emit, 'schema', () => database.ensureTables());
        if (options.schemaOnly) return { status: 'migrated' as const, source: directory, target: database.display, tablesCreated: tables.created, collections: [], verification: null, warnings };
        const loaded = await timedPhase(emit, 'backfill', () => backfillJson(database, { directory, collections, files, rejectsDir: join(paths.dir, 'rejects'), onEvent: emit }));
        for (const c of loaded) {
          if (c.rejected === 0) continue;
          const warning = { code: 'ROWS_REJECTED', message: `${c.collection}: ${c.read} read = ${c.loaded} loaded + ${c.rejected} rejected${c.goneMeanwhile > 0 ? ` + ${c.goneMeanwhile} deleted meanwhile` : ''} (${c.rejectFile})` };
          warnings.push(warning);
          emit({ type: 'warning', ...warning });
        }
        const checked = plan.verify ? verification(await timedPhase(emit, 'verify', () => verifyJson(database, { directory, collections, maxDiffs: options.maxDiffs ?? 10, onEvent: emit }))) : null;
        return { status: 'migrated' as const, source: directory, target: database.display, tablesCreated: tables.created, collections: loaded, verification: checked, warnings };
      }),
    (result) =>
      result.status === 'failed'
        ? {}
        : {
            tables: result.collections.map((c) => ({ table: c.table, rows: c.loaded, bytes: 0 })),
            ...(result.verification ? { verification: verificationFacts(result.verification) } : {}),
            warnings: result.warnings,
          },
  );
}

/**
 * Compares every record of the JSON files with the one PostgreSQL holds: missing, extra and differing records (with
 * the fields), an accuracy per collection. status equal means no difference (records set aside are counted apart).
 */
export async function verifyJsonSource(options: JsonRunOptions): Promise<JsonVerifyResult> {
  return withRunRecord(
    'verify',
    options.onEvent,
    (recorder) =>
      withJsonRun('verify', options, recorder, 'target', async ({ directory, collections, database }) => {
        const checked = verification(await timedPhase(recorder.onEvent, 'verify', () => verifyJson(database, { directory, collections, maxDiffs: options.maxDiffs ?? 10, onEvent: recorder.onEvent })));
        return { status: checked.differences === 0 ? ('equal' as const) : ('different' as const), source: directory, target: database.display, ...checked };
      }),
    (result) => (result.status === 'failed' ? {} : { verification: verificationFacts(result) }),
  );
}

/**
 * Writes the mapping's collections from PostgreSQL (the plan's source) back to JSON files (its target, json://dir)
 * in their original shape: the emergency rollback of a move from JSON files.
 */
export async function exportJsonFiles(options: JsonRunOptions): Promise<JsonExportResult> {
  return withRunRecord(
    'export',
    options.onEvent,
    (recorder) =>
      withJsonRun('export', options, recorder, 'source', async ({ directory, collections, database }) => {
        const written = await timedPhase(recorder.onEvent, 'export', () => exportJson(database, { directory, collections, overwrite: options.overwrite ?? false, onEvent: recorder.onEvent }));
        return { status: 'exported' as const, source: database.display, target: directory, collections: written };
      }),
    (result) => (result.status === 'failed' ? {} : { tables: result.collections.map((c) => ({ table: c.collection, rows: c.records, bytes: 0 })) }),
  );
}

export type JsonRepairResult = ({ readonly status: 'repaired' | 'incomplete'; readonly ms: number } & RepairOutcome) | Failed;

/**
 * Replays the dual-write store's failed secondary writes (`log`): each record named is copied again from the store
 * that has it right into the one that missed it. status incomplete: some could not be (they are back in the log).
 */
export async function repairJson(options: PlanSources & { readonly log: string }): Promise<JsonRepairResult> {
  const started = Date.now();
  try {
    const plan = await resolvePlan(options);
    const directory = jsonDirectory(plan.source);
    const outcome = await repairFailedWrites({
      collections: checkedJsonMapping(plan.json?.collections),
      directory,
      postgres: { url: plan.target, connectTimeoutSeconds: plan.connectTimeoutSeconds, env: options.env ?? process.env },
      failedWritesLog: options.log,
    });
    return { status: outcome.failed.length === 0 ? 'repaired' : 'incomplete', ms: Date.now() - started, ...outcome };
  } catch (error) {
    return { status: 'failed', ms: Date.now() - started, error: asPgferryError(error) };
  }
}
