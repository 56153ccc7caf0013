/**
 * `pgferry/dual-write`: what an application imports to move from JSON files to PostgreSQL without downtime
 * (docs/JSON.md): the dual-write store, its two sides, and the repair of failed secondary writes. Loads neither the
 * command line nor the SQLite driver.
 */
export { createDualWriteStore, type DualWriteConfig, type DualWriteStats, type DualWriteStore, type ShadowMismatch, type StoreName } from './dual-write-store.js';
export { JsonFileStore, type JsonFileStoreOptions, type JsonRecord } from './json-file-store.js';
export { PostgresRecordStore, type PostgresRecordStoreOptions } from './postgres-record-store.js';
export { repairFailedWrites, type RepairOptions, type RepairOutcome } from './repair.js';
export { readFailedWrites, type FailedWrite } from './failed-writes.js';
