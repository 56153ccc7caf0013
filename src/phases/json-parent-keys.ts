/**
 * The keys of every collection's records, for the columns that reference another collection: a record whose value
 * is no key of the referenced collection has a missing parent. A key not found is looked for again in the file as
 * it is now when the file changed since it was read (an application may have added the parent meanwhile).
 */
import { join } from 'node:path';
import { fileStamp, readStampedCollection } from '../endpoints/json/json-collections.js';
import type { JsonCollectionMapping } from '../model/json/infer-mapping.js';
import type { JsonValue } from '../model/json/json-text.js';
import { recordKey, type ParentLookup } from '../model/json/record-rows.js';

export function parentKeys(
  directory: string,
  collections: Readonly<Record<string, JsonCollectionMapping>>,
  files: ReadonlyMap<string, { readonly records: readonly { [key: string]: JsonValue }[]; readonly stamp: string }>,
): ParentLookup {
  const known = new Map<string, { keys: Set<string>; stamp: string }>();
  const load = (collection: string, records: readonly { [key: string]: JsonValue }[], stamp: string) => {
    const mapping = collections[collection]!;
    known.set(collection, { keys: new Set(records.map((r) => recordKey(mapping, r))), stamp });
  };
  return (collection, value) => {
    const mapping = collections[collection];
    if (!mapping) return false;
    const key = recordKey(mapping, { [mapping.key[0]!]: value });
    // A collection's keys are gathered the first time a reference asks for them: most collections are referenced by none.
    const read = files.get(collection);
    if (!known.has(collection) && read) load(collection, read.records, read.stamp);
    const entry = known.get(collection);
    if (entry?.keys.has(key)) return true;
    const file = join(directory, mapping.file);
    if (entry && fileStamp(file) === entry.stamp) return false;
    const now = readStampedCollection(file);
    load(collection, now.records, now.stamp);
    return known.get(collection)!.keys.has(key);
  };
}
