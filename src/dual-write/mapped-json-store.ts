/** The JSON store of a mapping's collections: each its own file and key field, keys matched as PostgreSQL matches them. */
import type { JsonCollectionMapping } from '../model/json/infer-mapping.js';
import { recordKey } from '../model/json/record-rows.js';
import { JsonFileStore } from './json-file-store.js';
import { storedRecord } from './postgres-record-store.js';

export function mappedJsonStore(directory: string, collections: Readonly<Record<string, JsonCollectionMapping>>): JsonFileStore {
  const keyField = (c: string) => collections[c]?.key[0] ?? 'id';
  return new JsonFileStore({
    directory,
    key: keyField,
    file: (c) => collections[c]?.file ?? `${c}.json`,
    // A UUID key in upper case in the file is the same record PostgreSQL keeps in lower case.
    keyText: (c, value) => (collections[c] ? recordKey(collections[c], storedRecord({ [keyField(c)]: value })) : JSON.stringify(value)),
  });
}
