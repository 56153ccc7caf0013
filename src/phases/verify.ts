/**
 * Verify: proves the target equals the source. Per table, exact row counts and content digests computed by both
 * servers in parallel (narrowed down to the differing rows); the two schema models compared object by object;
 * every sequence's state (last_value, is_called) compared with the source's.
 */
import type { SourceEndpoint, TableSetAside, TargetEndpoint, VerifyReader } from '../endpoints/endpoint.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { TableShape } from '../model/verify/table-shape.js';
import { runGraph } from '../run/scheduler.js';
import { hashOnClient } from './client-digests.js';
import { diffSchemas, type OwnerMapping, type SchemaDifference } from '../model/schema-diff.js';
import { emitter, type EventListener } from '../model/events.js';
import { diffLargeObjects, type LargeObjectVerdict } from './verify-large-objects.js';
import { verifySequences, type SequenceProblem } from './verify-sequences.js';
import { mergeVerdicts, splitKeyRange, verifyTable, type KeyPart, type TableVerdict } from './verify-table.js';

export interface VerifySettings {
  readonly jobs: number;
  /** Glob patterns on "schema.table"; empty includes every table. */
  readonly tables: readonly string[];
  readonly exclude: readonly string[];
  readonly countsOnly: boolean;
  /** Compare only this percentage of rows, chosen by key, the same on both sides. */
  readonly samplePercent?: number;
  readonly maxDiffs: number;
  readonly owners: OwnerMapping;
  /** Hash rows here with the canonical row hash even when both ends could hash on their own (tests, diagnosis). */
  readonly clientHash?: boolean;
  readonly onEvent?: EventListener;
}

export interface VerifyFacts {
  readonly tables: readonly TableVerdict[];
  readonly schema: readonly SchemaDifference[];
  readonly sequences: readonly SequenceProblem[];
  /** Null when an endpoint has no large objects to compare. */
  readonly largeObjects: LargeObjectVerdict | null;
  /** Number of differences of every kind; 0 means equal. */
  readonly differences: number;
  /**
   * What the source's value policy kept from the target (rows left out, values made NULL), per table: not counted
   * as differences, since the run put them in its reject file, but never hidden.
   */
  readonly setAside: readonly TableSetAside[];
  /** Objects the source's mapping leaves out on purpose (SQLite triggers…), reported before the run; not differences. */
  readonly leftOut: readonly string[];
}

function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  const regexes = patterns.map((p) => new RegExp(`^${p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  return (name) => regexes.some((r) => r.test(name));
}

export async function runVerify(source: SourceEndpoint, target: TargetEndpoint, settings: VerifySettings): Promise<VerifyFacts> {
  const emit = emitter(settings.onEvent);
  const started = Date.now();
  emit({ type: 'phase:start', phase: 'verify', at: new Date(started).toISOString() });
  // Digests are only comparable when both ends make them the same way: on the servers when both can, else here.
  const onClient = settings.clientHash === true || !source.capabilities.serverDigests || !target.capabilities.serverDigests;
  const openPair = async () => {
    const [a, b] = await Promise.all([source.openVerifyReader(), target.openVerifyReader()]);
    return onClient ? { source: hashOnClient(a), target: hashOnClient(b) } : { source: a, target: b };
  };
  const closePair = async (pair: { source: VerifyReader; target: VerifyReader }) => void (await Promise.all([pair.source.close(), pair.target.close()]));
  // Before the table readers open, so they never sit idle while the schemas are read and compared.
  const [sourceModel, targetModel] = await Promise.all([source.readSchema(), target.readSchema()]);
  // The source's definitions as the target deparses them: another major's formatting is no difference.
  // A source without roles owns nothing: the target's owners and grants are its connecting user's, not a difference.
  const owners = source.capabilities.roles ? settings.owners : { ...settings.owners, drop: true };
  const schema = diffSchemas(await target.restateSchema(sourceModel), targetModel, owners);
  const first = await openPair();
  try {
    const included = settings.tables.length > 0 ? globMatcher(settings.tables) : () => true;
    const excluded = globMatcher(settings.exclude);
    const tables = (await first.source.listTables())
      .filter((t) => t.kind !== 'partitioned')
      .filter((t) => included(`${t.schema}.${t.name}`) && !excluded(`${t.schema}.${t.name}`))
      .sort((a, b) => b.dataBytes - a.dataBytes);

    // A table bigger than a job's share of the data is checked in key-range parts, so every job shares it.
    const totalBytes = tables.reduce((n, t) => n + t.dataBytes, 0);
    const tasks: Array<{ id: string; table: string; shape: TableShape; part?: KeyPart }> = [];
    // Text in two encodings hashes as UTF-8 on both sides.
    const textAsUtf8 = (await first.source.encoding()) !== (await first.target.encoding());
    const shapes = await first.source.tableShapes(tables);
    for (const table of tables) {
      const shape = { ...shapes.get(`${table.schema}.${table.name}`)!, textAsUtf8 };
      const parts = !settings.countsOnly && table.dataBytes > totalBytes / (settings.jobs * 2) ? await splitKeyRange(first.source, shape, settings.jobs) : null;
      const id = `${table.schema}.${table.name}`;
      (parts ?? [undefined]).forEach((part, n) => tasks.push({ id: `verify:${id}#${n + 1}`, table: id, shape, ...(part ? { part } : {}) }));
    }
    const results = new Map<string, TableVerdict[]>();
    // A table missing on the target is a difference; any other failure means the table could not be compared.
    const onTarget = new Set((await first.target.listTables()).map((t) => `${t.schema}.${t.name}`));
    const failures: Array<{ table: string; error: unknown }> = [];
    await runGraph(
      tasks.map((task) => ({
        id: task.id,
        needs: [],
        cost: 0,
        run: async (pair: { source: VerifyReader; target: VerifyReader }) => {
          emit({ type: 'step:start', phase: 'verify', step: `verify:${task.table}` });
          const verdict = await (onTarget.has(task.table) ? verifyTable(pair.source, pair.target, task.shape, settings, task.part) : missingOnTarget(pair.source, task.shape)).catch(
            (error: unknown) => void failures.push({ table: task.table, error }),
          );
          if (!verdict) return;
          results.set(task.table, [...(results.get(task.table) ?? []), verdict]);
          emit({ type: 'step:done', phase: 'verify', step: `verify:${verdict.table}`, rows: verdict.sourceRows, ms: verdict.ms });
        },
      })),
      { jobs: settings.jobs, openWorker: async (index) => (index === 0 ? first : openPair()), closeWorker: async (pair) => (pair === first ? undefined : closePair(pair)) },
    );
    if (failures.length > 0) throw cannotCompare(failures);
    const verdicts = [...results.values()].map(mergeVerdicts);
    const sequences = await verifySequences(first.source, first.target);
    const comparesLargeObjects = source.capabilities.largeObjects && target.capabilities.largeObjects;
    const largeObjects = comparesLargeObjects
      ? diffLargeObjects(...(await Promise.all([first.source.largeObjectStates(), first.target.largeObjectStates()])), settings.owners)
      : null;
    verdicts.sort((a, b) => a.table.localeCompare(b.table));
    const tableDifferences = verdicts.filter((v) => v.sourceRows !== v.targetRows || v.content === 'different').length;
    emit({ type: 'phase:end', phase: 'verify', at: new Date().toISOString(), ms: Date.now() - started });
    const largeObjectDifferences = largeObjects?.differences.length ?? 0;
    const compared = new Set(verdicts.map((v) => v.table));
    const setAside = ((await first.source.setAside?.()) ?? []).filter((t) => compared.has(t.table)).sort((a, b) => a.table.localeCompare(b.table));
    return { tables: verdicts, schema, sequences, largeObjects, differences: tableDifferences + schema.length + sequences.length + largeObjectDifferences, setAside, leftOut: sourceModel.leftOut ?? [] };
  } finally {
    await closePair(first);
  }
}

async function missingOnTarget(source: VerifyReader, shape: TableShape): Promise<TableVerdict> {
  const sourceRows = await source.countRows(shape);
  const table = `${shape.schema}.${shape.name}`;
  return { table, sourceRows, targetRows: 0, content: 'different', differences: [], differingRows: sourceRows, differingRowsExact: true, problem: 'missing on the target', ms: 0 };
}

/** Verify never calls a table it could not compare different: the run fails (exit 2) and names every such table. */
function cannotCompare(failures: ReadonlyArray<{ table: string; error: unknown }>): PgferryError {
  const first = failures[0]!.error;
  const tables = [...new Set(failures.map((f) => f.table))];
  const reasons = tables.map((t) => `  - ${t}: ${(failures.find((f) => f.table === t)!.error as Error).message}`);
  const known = first instanceof PgferryError ? first : undefined;
  return new PgferryError(known?.code ?? 'INTERNAL', `verify could not compare ${tables.length} table(s), so it cannot say whether they are equal:\n${reasons.join('\n')}`, {
    hint: known?.hint ?? 'Fix the cause named above and run verify again; nothing was changed.',
    cause: first,
    ...(known?.server ? { server: known.server } : {}),
  });
}
