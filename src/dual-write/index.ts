/**
 * `pgferry/dual-write`: what an application imports to write its data to its JSON files and to PostgreSQL during a
 * move. Loads neither the command line nor the SQLite driver. Today: the JSON store (atomic, serialized writes).
 */
export { JsonFileStore, type JsonFileStoreOptions, type JsonRecord } from './json-file-store.js';
