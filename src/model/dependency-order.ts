/**
 * Orders pre-data objects so each comes after what it depends on (a table after its column types, a view
 * after its tables). Ties keep a kind order like pg_dump's (types, routines, sequences, tables, views), then
 * name order, so the same schema always gives the same DDL.
 */
import type { PreDataObject } from './schema-model.js';

/** What can be ordered: a pre-data object, or a foreign table (created among them, a view may read it). */
export interface Orderable {
  readonly key: string;
  readonly kind: PreDataObject['kind'] | 'foreign table';
  readonly schema: string;
  readonly name: string;
}

const kindRank: Record<Orderable['kind'], number> = { type: 0, routine: 1, catalog: 1.5, sequence: 2, table: 3, 'foreign table': 3, view: 4 };

function compare(a: Orderable, b: Orderable): number {
  return kindRank[a.kind] - kindRank[b.kind] || a.schema.localeCompare(b.schema) || a.name.localeCompare(b.name) || a.key.localeCompare(b.key);
}

/** `dependencies` maps an object's key to the keys it needs; keys of unknown objects are ignored. A cycle is broken in rank order. */
export function orderByDependencies<T extends Orderable>(objects: readonly T[], dependencies: ReadonlyMap<string, readonly string[]>): T[] {
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const pending = new Map<string, Set<string>>();
  const dependents = new Map<string, string[]>();
  for (const object of objects) {
    const needs = new Set((dependencies.get(object.key) ?? []).filter((k) => k !== object.key && byKey.has(k)));
    pending.set(object.key, needs);
    for (const need of needs) dependents.set(need, [...(dependents.get(need) ?? []), object.key]);
  }
  const ordered: T[] = [];
  const ready = objects.filter((o) => pending.get(o.key)!.size === 0).sort(compare);
  const release = (key: string) => {
    for (const dependent of dependents.get(key) ?? []) {
      const needs = pending.get(dependent);
      if (!needs || !needs.delete(key) || needs.size > 0) continue;
      ready.push(byKey.get(dependent)!);
    }
    ready.sort(compare);
  };
  while (ordered.length < objects.length) {
    const next = ready.shift() ?? [...pending.keys()].map((k) => byKey.get(k)!).sort(compare)[0]!;
    pending.delete(next.key);
    ordered.push(next);
    release(next.key);
  }
  return ordered;
}
