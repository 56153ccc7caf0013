/**
 * Pure: the graph of steps that moves the data and builds what depends on it. Each table's indexes start as soon
 * as its rows are in (largest first, by the scheduler); partitions' indexes attach to their parent's; foreign keys
 * are added NOT VALID once every key exists, then validated in parallel; materialized views the source holds
 * populated are refreshed once all tables are loaded; each table is analyzed after its indexes.
 */
import type { TargetProbe } from '../endpoints/endpoint.js';
import { qualifiedName } from '../model/ddl/quote.js';
import { renderConstraint, renderIndex, renderIndexAttach } from '../model/ddl/render-post-data.js';
import type { IndexStructure } from '../model/index-structure.js';
import type { LargeObjectRange } from '../model/large-objects.js';
import { tablesOf, viewsOf, type QualifiedName, type SchemaModel } from '../model/schema-model.js';
import { tableId, type CopyStep } from './copy-plan.js';

export type LoadPhase = 'copy' | 'large-objects' | 'index' | 'constraint' | 'refresh' | 'analyze';

export type LoadStep =
  | { readonly kind: 'copy'; readonly id: string; readonly phase: 'copy'; readonly needs: readonly string[]; readonly cost: number; readonly copy: CopyStep }
  | {
      readonly kind: 'large-objects';
      readonly id: string;
      readonly phase: 'large-objects';
      readonly needs: readonly string[];
      readonly cost: number;
      readonly range: LargeObjectRange;
    }
  | {
      readonly kind: 'sql';
      readonly id: string;
      readonly phase: Exclude<LoadPhase, 'copy' | 'large-objects'>;
      readonly needs: readonly string[];
      readonly cost: number;
      readonly sql: string;
      readonly table: QualifiedName;
      /**
       * A query answering whether the step's effect is on the target: when a resumed step fails, this tells a step an
       * earlier attempt committed (but did not record) from a real failure; before a resumed load, it confirms that
       * a step the journal calls done really is there.
       */
      readonly existsProbe?: TargetProbe;
    };

function relationExists(schema: string, name: string): TargetProbe {
  return { kind: 'relation', schema, name };
}

function constraintExists(table: QualifiedName, name: string): TargetProbe {
  return { kind: 'constraint', table, name, validated: false };
}

function constraintValidated(table: QualifiedName, name: string): TargetProbe {
  return { kind: 'constraint', table, name, validated: true };
}

function indexAttached(schema: string, name: string): TargetProbe {
  return { kind: 'index-attached', schema, name };
}

/**
 * Rough build cost per byte of table relative to a btree, measured on the bench: a trigram index is the slowest
 * by far (about 40×), other GIN and GiST builds several times a btree. Only the order of builds depends on it.
 */
const trigramOpclasses = new Set(['gin_trgm_ops', 'gist_trgm_ops']);
const methodCostFactors: Readonly<Record<string, number>> = { gin: 4, gist: 4, spgist: 4, brin: 0.2 };

function indexCost(index: IndexStructure, tableBytes: number): number {
  const trigram = index.keys.some((k) => k.opclass !== null && trigramOpclasses.has(k.opclass.slice(k.opclass.lastIndexOf('.') + 1)));
  return tableBytes * (trigram ? 40 : (methodCostFactors[index.method] ?? 1));
}

export function planLoadSteps(
  model: SchemaModel,
  copySteps: readonly CopyStep[],
  tableBytes: ReadonlyMap<string, number>,
  largeObjectRanges: readonly LargeObjectRange[] = [],
): LoadStep[] {
  const steps: LoadStep[] = copySteps.map((copy) => ({ kind: 'copy', id: copy.id, phase: 'copy', needs: [], cost: copy.bytes, copy }));
  // Large objects depend on nothing and nothing on them (schema:post gives them owners, grants and comments).
  for (const range of largeObjectRanges) steps.push({ kind: 'large-objects', id: range.id, phase: 'large-objects', needs: [], cost: range.bytes, range });
  const copiesByTable = new Map<string, string[]>();
  for (const copy of copySteps) {
    const ids = copiesByTable.get(tableId(copy.table));
    if (ids) ids.push(copy.id);
    else copiesByTable.set(tableId(copy.table), [copy.id]);
  }
  const copiesOf = (table: QualifiedName) => copiesByTable.get(tableId(table)) ?? [];
  const allCopies = copySteps.map((c) => c.id);

  const refreshIds: string[] = [];
  // One the source holds WITH NO DATA stays unpopulated: refreshing it would fill what the source leaves empty.
  for (const view of viewsOf(model, true).filter((v) => v.populated)) {
    const id = `refresh:${tableId(view)}`;
    steps.push({ kind: 'sql', id, phase: 'refresh', needs: [...allCopies, ...refreshIds], cost: 1, sql: `REFRESH MATERIALIZED VIEW ${qualifiedName(view.schema, view.name)}`, table: view });
    refreshIds.push(id);
  }
  const refreshed = new Set(viewsOf(model, true).filter((v) => v.populated).map(tableId));
  const unpopulated = new Set(viewsOf(model, true).filter((v) => !v.populated).map(tableId));

  const indexIds = new Map<string, string>();
  for (const index of model.indexes) indexIds.set(`${index.table.schema}.${index.name}`, `index:${index.table.schema}.${index.name}`);
  const indexesByTable = new Map<string, string[]>();
  /** Steps that make a unique key usable by a foreign key: key constraints, unique indexes, attaches. */
  const keysByTable = new Map<string, string[]>();
  const append = (map: Map<string, string[]>, table: string, id: string) => {
    const ids = map.get(table);
    if (ids) ids.push(id);
    else map.set(table, [id]);
  };
  const addToTable = (table: string, id: string, makesKey = false) => {
    append(indexesByTable, table, id);
    if (makesKey) append(keysByTable, table, id);
  };
  const keySteps: Array<{ id: string; sql: string; table: QualifiedName; existsProbe: TargetProbe }> = [];
  const attachIds: string[] = [];
  for (const index of model.indexes) {
    const id = indexIds.get(`${index.table.schema}.${index.name}`)!;
    const table = tableId(index.table);
    const needs = refreshed.has(table) ? [`refresh:${table}`] : unpopulated.has(table) || index.onPartitionedTable ? [] : copiesOf(index.table);
    const cost = index.onPartitionedTable ? 0 : indexCost(index.structure, tableBytes.get(table) ?? 0);
    const { build, constraint } = renderIndex(index);
    steps.push({ kind: 'sql', id, phase: 'index', needs, cost, sql: build, table: index.table, existsProbe: relationExists(index.table.schema, index.name) });
    addToTable(table, id, index.constraint !== null || index.structure.unique);
    if (constraint) keySteps.push({ id: `key:${index.table.schema}.${index.name}`, sql: constraint, table: index.table, existsProbe: constraintExists(index.table, index.name) });
    const attach = renderIndexAttach(index);
    if (attach && index.attachTo) {
      const parentId = indexIds.get(`${index.attachTo.schema}.${index.attachTo.name}`);
      const attachId = `attach:${index.table.schema}.${index.name}`;
      const needs = [id, ...(parentId ? [parentId] : [])];
      steps.push({ kind: 'sql', id: attachId, phase: 'index', needs, cost: 0, sql: attach, table: index.table, existsProbe: indexAttached(index.table.schema, index.name) });
      addToTable(table, attachId, true);
      attachIds.push(attachId);
    }
  }
  // A key constraint takes its table's exclusive lock briefly: after every index build on that table.
  for (const key of keySteps) {
    const table = tableId(key.table);
    steps.push({ kind: 'sql', id: key.id, phase: 'index', needs: [...(indexesByTable.get(table) ?? [])], cost: 0, sql: key.sql, table: key.table, existsProbe: key.existsProbe });
  }
  for (const key of keySteps) addToTable(tableId(key.table), key.id, true);

  // A partition's own foreign key is added after its parents' keys: added first, an equal one would be adopted as
  // the clone of the parent's, and the partition would lose its own.
  const parentOf = new Map(tablesOf(model).flatMap((t) => (t.partitionOf ? [[tableId(t), tableId(t.partitionOf.parent)] as const] : [])));
  const ancestorConstraints = (table: string): string[] => {
    const parent = parentOf.get(table);
    if (parent === undefined) return [];
    const own = model.constraints.filter((c) => tableId(c.table) === parent).map((c) => `constraint:${parent}.${c.name}`);
    return [...own, ...ancestorConstraints(parent)];
  };
  for (const constraint of model.constraints) {
    const table = tableId(constraint.table);
    const referencesPartitioned = tablesOf(model).some((t) => t.partitionKey !== null && constraint.references !== null && tableId(t) === tableId(constraint.references));
    const { add, validate } = renderConstraint(constraint, referencesPartitioned);
    const addId = `constraint:${table}.${constraint.name}`;
    // A constraint locks its table (so it waits for that table's builds); a foreign key also needs the referenced
    // key complete, with every partition's index attached. Partitioned tables' rows are in their partitions' copies.
    const referenced = constraint.references ? tableId(constraint.references) : undefined;
    const needs = [
      ...allCopies,
      ...(indexesByTable.get(table) ?? []),
      ...(referenced ? [...(keysByTable.get(referenced) ?? []), ...attachIds] : []),
      ...ancestorConstraints(table),
    ];
    steps.push({ kind: 'sql', id: addId, phase: 'constraint', needs, cost: 0, sql: add, table: constraint.table, existsProbe: constraintExists(constraint.table, constraint.name) });
    if (validate) {
      const cost = (tableBytes.get(table) ?? 0) * 0.3;
      const existsProbe = constraintValidated(constraint.table, constraint.name);
      steps.push({ kind: 'sql', id: `validate:${table}.${constraint.name}`, phase: 'constraint', needs: [addId], cost, sql: validate, table: constraint.table, existsProbe });
    }
  }

  const analyzed = new Map(copySteps.map((c) => [tableId(c.table), c.table]));
  for (const [table, ref] of analyzed) {
    steps.push({ kind: 'sql', id: `analyze:${table}`, phase: 'analyze', needs: [...copiesOf(ref), ...(indexesByTable.get(table) ?? [])], cost: 0, sql: `ANALYZE ${qualifiedName(ref.schema, ref.name)}`, table: ref });
  }
  return steps;
}
