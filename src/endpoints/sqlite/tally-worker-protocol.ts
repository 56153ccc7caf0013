/** What the main thread and the set-aside worker say to each other. */
import type { TableSetAside } from '../endpoint.js';
import type { ThreadError } from './copy-worker-protocol.js';
import type { RelationalVerdicts } from './sqlite-row-pages.js';
import type { SqliteSourceTable } from './sqlite-source-tables.js';

export interface TallyWorkerInput {
  readonly file: string;
  readonly busyMs: number;
  readonly tables: readonly SqliteSourceTable[];
}

export type TallyRequest = { readonly id: number; readonly table: string; readonly kind: 'relational' | 'of' };

export type TallyResponse =
  | { readonly id: number; readonly relational: RelationalVerdicts }
  | { readonly id: number; readonly setAside: TableSetAside }
  | { readonly id: number; readonly error: ThreadError };
