/** One table (or key range) from a PostgreSQL source session to a target session: the copy's two sides put together. */
import type { KeyRange } from '../../model/key-range.js';
import type { QualifiedName } from '../../model/schema-model.js';
import type { LoadTableRequest, LoadTableResult } from '../endpoint.js';
import type { Session } from './run-query.js';
import { loadTable } from './table-load.js';
import { openTableRows } from './table-read.js';

const defaultLockWaitMs = 60_000;

export interface TableCopyRequest extends Partial<Omit<LoadTableRequest, 'table' | 'range' | 'binary'>> {
  readonly table: QualifiedName;
  readonly range?: KeyRange;
  /** Both ends speak binary COPY; the columns' types still decide. */
  readonly binary: boolean;
}

/** `source` must already be inside the run's snapshot transaction; `target` must be idle. */
export async function copyTable(source: Session, target: Session, request: TableCopyRequest): Promise<LoadTableResult> {
  const lockWaitMs = request.lockWaitMs ?? defaultLockWaitMs;
  const open = (binary: boolean) => openTableRows(source, request.table, request.range, { binary, lockWaitMs, ...(request.onLockWait ? { onLockWait: request.onLockWait } : {}) });
  return loadTable(target, open, { ...request, redo: request.redo ?? false, lockWaitMs });
}
