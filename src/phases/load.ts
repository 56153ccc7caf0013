/**
 * Runs the load graph (copy, indexes, constraints, refreshes, analyze) on `jobs` workers. Copy workers read from
 * one snapshot exported by a leader session, so every table is copied as of the same moment. Each step is
 * journaled: skipped when done, redone cleanly when an earlier attempt had started it.
 */
import { closeSession, withinTime } from '../endpoints/postgres/close-session.js';
import { pinCopySession } from '../endpoints/postgres/copy-session.js';
import { readCopyColumns, type CopyColumns } from '../endpoints/postgres/queries/copy-columns.js';
import { runQuery, type Session } from '../endpoints/postgres/run-query.js';
import { isConnectionLoss, serverErrorFields } from '../endpoints/postgres/server-error.js';
import { joinSnapshot } from '../endpoints/postgres/snapshot.js';
import { copyTable, lostSourceConnection, type TableCopyResult } from '../endpoints/postgres/table-copy.js';
import pRetry from 'p-retry';
import type { SourceEndpoint, TargetEndpoint } from '../endpoints/endpoint.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { Finding } from '../model/findings.js';
import type { LargeObjectRange } from '../model/large-objects.js';
import { emitter, type EventListener } from '../run/events.js';
import type { Journal } from '../run/journal.js';
import { runGraph } from '../run/scheduler.js';
import { tableId, type CopyStep } from './copy-plan.js';
import { largeObjectMetadataStep } from './large-object-metadata.js';
import type { LoadStep } from './load-plan.js';

export interface LoadOptions {
  readonly jobs: number;
  readonly binary: boolean;
  readonly journal: Journal;
  /** The exported snapshot copy workers join; needed only while copy steps remain. */
  readonly snapshot: string | undefined;
  readonly openSource: () => Promise<Session>;
  /** A target session already tuned for loading and index builds. */
  readonly openTarget: () => Promise<Session>;
  readonly onEvent?: EventListener;
  readonly signal?: AbortSignal;
  /** How long a copy waits for another session's lock on its table (default in copyTable). */
  readonly lockWaitMs?: number;
  /** What reads and writes large objects (the load's sessions are passed to them). */
  readonly largeObjects?: { readonly source: SourceEndpoint; readonly target: TargetEndpoint };
}

interface LoadWorker {
  readonly target: Session;
  /** Opened on first use; each call starts a transaction joined to the run's snapshot, for one copy. */
  source(): Promise<Session>;
  /** Ends the copy's snapshot transaction, and with it the lock on the table it read. */
  endCopy(): Promise<void>;
  /** Closes the source session (lost, or left unusable by a failed copy); the next source() opens a new one. */
  dropSource(): Promise<void>;
}

/** How often a copy is retried when its source connection is lost, before the run stops (resumable). */
const sourceRetries = 3;

/**
 * How often a DDL step the server chose as a deadlock's victim runs again: two foreign keys between the same two
 * tables (one → two, two → one), added at once, each lock both tables in opposite orders. The other one proceeds.
 */
const deadlockRetries = 3;

async function runDdl(target: Session, step: { readonly id: string; readonly sql: string }): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await runQuery(target, step.id, step.sql);
      return;
    } catch (error) {
      if (serverErrorFields(error).sqlState !== '40P01' || attempt > deadlockRetries) throw error;
    }
  }
}

/** Whether a failed step's object is there after all: an earlier attempt committed it but did not record it. */
async function committedEarlier(target: Session, existsProbe: string): Promise<boolean> {
  const [row] = await runQuery<{ done: boolean }>(target, 'whether an earlier attempt finished this step', existsProbe);
  return row?.done === true;
}

interface CopyAttemptOptions {
  readonly binary: boolean;
  /** An earlier run started this step: its rows may be partly on the target. */
  readonly redo: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress: (bytes: number) => void;
  readonly onRetry: (warning: Finding) => void;
  readonly onLockWait: (message: string) => void;
  readonly lockWaitMs?: number;
}

/**
 * Copies one table or range. When the source connection is lost (network, a terminated backend, a restart)
 * the copy is retried on a new session: the leader still holds the run's snapshot, so it sees the same rows.
 * Anything else (an SQL error on either end, a lost target) stops the run with the server's own error; the run
 * can be resumed. A failed attempt's source session is always closed, never probed: it may sit in COPY OUT or
 * in an aborted transaction.
 */
async function copyWithRetries(copy: CopyStep, worker: LoadWorker, options: CopyAttemptOptions): Promise<TableCopyResult> {
  const { table, range } = copy;
  let sourceLost = false;
  const attempt = async (attemptNumber: number) => {
    sourceLost = false;
    let source: Session;
    let columns: CopyColumns;
    try {
      source = await worker.source();
      columns = await readCopyColumns(source, table.schema, table.name);
    } catch (error) {
      sourceLost = isConnectionLoss(error);
      throw error;
    }
    const result = await copyTable(source, worker.target, {
      schema: table.schema,
      name: table.name,
      columns,
      binary: options.binary,
      range,
      // The target rolled back a failed attempt, so only an earlier run's attempt can have left rows.
      redo: options.redo && attemptNumber === 1,
      signal: options.signal,
      onProgress: options.onProgress,
      onLockWait: options.onLockWait,
      lockWaitMs: options.lockWaitMs,
    }).catch((error: unknown) => {
      sourceLost = lostSourceConnection(error);
      throw error;
    });
    await worker.endCopy();
    return result;
  };
  return pRetry(attempt, {
    retries: sourceRetries,
    minTimeout: 500,
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      await worker.dropSource();
      if (sourceLost && retriesLeft > 0) {
        options.onRetry({
          code: 'COPY_RETRIED',
          message: `source connection lost while copying ${copy.id} (${error.message}); attempt ${attemptNumber + 1} of ${sourceRetries + 1}`,
        });
      }
    },
    shouldRetry: () => sourceLost,
  }).catch((error: unknown) => {
    if (!sourceLost) throw error;
    throw new PgferryError('CONNECTION_LOST', `the source connection was lost while copying ${copy.id}, ${sourceRetries + 1} times: ${(error as Error).message}`, {
      hint: 'Check the source server and the network, then run the same command again: finished tables and chunks are kept, the rest is copied from a new snapshot.',
      cause: error,
      server: serverErrorFields(error),
    });
  });
}

/**
 * Copies one OID range of large objects, read in the run's snapshot. The target removes what an earlier attempt left
 * of the range in the same transaction. A failure stops the run (resumable); the source session, whose snapshot
 * transaction it may have aborted, is closed.
 */
async function copyLargeObjects(range: LargeObjectRange, worker: LoadWorker, options: LoadOptions, onProgress: (bytes: number) => void): Promise<{ objects: number; bytes: number }> {
  if (!options.largeObjects) throw new Error('a large-object step ran without endpoints to copy them');
  const { source, target } = options.largeObjects;
  try {
    const session = await worker.source();
    const written = await target.writeLargeObjects(worker.target, range, source.readLargeObjects(session, range), onProgress);
    await worker.endCopy();
    return written;
  } catch (error) {
    await worker.dropSource();
    throw error;
  }
}

/** Runs the graph; resolves to the warnings of the run (copies retried after a lost source connection). */
export async function runLoad(steps: readonly LoadStep[], options: LoadOptions): Promise<Finding[]> {
  const warnings: Finding[] = [];
  const emit = emitter(options.onEvent);
  const { journal } = options;
  const moves = (s: LoadStep) => s.kind === 'copy' || s.kind === 'large-objects';
  const totalBytes = steps.reduce((sum, s) => sum + (moves(s) ? s.cost : 0), 0);
  let copiedBytes = steps.reduce((sum, s) => sum + (moves(s) && journal.isDone(s.id) ? s.cost : 0), 0);
  const started = Date.now();

  const warn = (warning: Finding) => {
    warnings.push(warning);
    emit({ type: 'warning', ...warning });
  };
  let copiesNotStarted = steps.filter((s) => moves(s) && !journal.isDone(s.id)).length;
  const runStep = async (step: LoadStep, worker: LoadWorker) => {
    if (moves(step)) copiesNotStarted -= 1;
    const redo = journal.startStep(step.id, step.phase);
    const stepStarted = Date.now();
    emit({ type: 'step:start', phase: step.phase, step: step.id });
    if (step.kind === 'copy') {
      let reported = 0;
      const onProgress = (bytes: number) => {
        copiedBytes += bytes - reported;
        reported = bytes;
        emit({ type: 'copy:progress', table: tableId(step.copy.table), bytes: copiedBytes, totalBytes, ms: Date.now() - started });
      };
      const onRetry = (warning: Finding) => {
        copiedBytes -= reported;
        reported = 0;
        warn(warning);
      };
      const onLockWait = (message: string) => warn({ code: 'TABLE_LOCK_WAIT', message });
      const attempt = { binary: options.binary, redo, signal: options.signal, lockWaitMs: options.lockWaitMs, onProgress, onRetry, onLockWait };
      const result = await copyWithRetries(step.copy, worker, attempt);
      copiedBytes += step.cost - reported;
      journal.finishStep(step.id, { rows: result.rows, bytes: result.bytes });
      // Past the last copy a worker only builds on the target: its source session would sit idle until the graph ends.
      if (copiesNotStarted === 0) await worker.dropSource();
      emit({ type: 'step:done', phase: step.phase, step: step.id, rows: result.rows, bytes: result.bytes, ms: Date.now() - stepStarted });
      return;
    }
    if (step.kind === 'large-objects') {
      let reported = 0;
      const onProgress = (bytes: number) => {
        copiedBytes += bytes - reported;
        reported = bytes;
        emit({ type: 'copy:progress', table: 'large objects', bytes: copiedBytes, totalBytes, ms: Date.now() - started });
      };
      const result = await copyLargeObjects(step.range, worker, options, onProgress);
      copiedBytes += step.cost - reported;
      journal.finishStep(step.id, { rows: result.objects, bytes: result.bytes });
      if (journal.isDone(largeObjectMetadataStep)) journal.reopenStep(largeObjectMetadataStep);
      if (copiesNotStarted === 0) await worker.dropSource();
      emit({ type: 'step:done', phase: step.phase, step: step.id, rows: result.objects, bytes: result.bytes, ms: Date.now() - stepStarted });
      return;
    }
    try {
      await runDdl(worker.target, step);
    } catch (error) {
      if (!(redo && step.existsProbe && (await committedEarlier(worker.target, step.existsProbe)))) {
        throw new PgferryError('SCHEMA_FAILED', `target refused ${step.id}: ${(error as Error).message}`, {
          hint: `The statement was: ${step.sql}\nFix the cause on the target and run the same command again; finished steps are not redone.`,
          cause: error,
          server: serverErrorFields(error),
        });
      }
    }
    journal.finishStep(step.id);
    emit({ type: 'step:done', phase: step.phase, step: step.id, ms: Date.now() - stepStarted });
  };

  await runGraph<LoadWorker>(
    steps.map((step) => ({ id: step.id, needs: step.needs, cost: step.cost, run: (worker) => runStep(step, worker) })),
    {
      jobs: options.jobs,
      isDone: (id) => journal.isDone(id),
      signal: options.signal,
      openWorker: async () => {
        const target = await options.openTarget();
        await pinCopySession(target);
        let source: Promise<Session> | undefined;
        const dropSource = async () => {
          const dropped = source;
          source = undefined;
          await dropped?.then(closeSession).catch(() => undefined);
        };
        return {
          target,
          dropSource,
          // One snapshot transaction per copy: a transaction that read every table would keep a lock on each until it
          // ended, and thousands of tables fill the source's lock table (pg_dump's "out of shared memory").
          source: async () => {
            if (!options.snapshot) throw new Error('a copy step ran without a snapshot to join');
            const session = await (source ??= options.openSource().then(async (opened) => {
              await pinCopySession(opened);
              return opened;
            }));
            await joinSnapshot(session, options.snapshot);
            return session;
          },
          // The rows are committed on the target already: a source that cannot end its read is closed, not retried.
          endCopy: async () => {
            const session = await source;
            if (session) await runQuery(session, 'the end of a copy transaction', 'COMMIT').catch(dropSource);
          },
        };
      },
      // A worker's source session holds the run's snapshot (vacuum on the source waits behind it): ended as soon as
      // the graph is done, not when the command ends.
      closeWorker: async (worker) => {
        await worker.dropSource();
        await withinTime(worker.target, 10_000, 'closing the session', worker.target.client.end()).catch(() => undefined);
      },
    },
  );
  return warnings;
}
