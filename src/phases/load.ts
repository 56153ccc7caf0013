/**
 * Runs the load graph (copy, indexes, constraints, refreshes, analyze) on `jobs` workers. Copy workers read from
 * one snapshot exported by a leader session, so every table is copied as of the same moment. Each step is
 * journaled: skipped when done, redone cleanly when an earlier attempt had started it.
 */
import pRetry from 'p-retry';
import type { LoadTableResult, RejectSink, SourceEndpoint, SourceReader, TargetEndpoint, TargetSession } from '../endpoints/endpoint.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { Finding } from '../model/findings.js';
import type { LargeObjectRange } from '../model/large-objects.js';
import { emitter, type EventListener } from '../model/events.js';
import type { Journal } from '../run/journal.js';
import { runGraph } from '../run/scheduler.js';
import { runJournaledStep } from './journaled-step.js';
import { stepRejectSink } from '../run/reject-file.js';
import { tableId, type CopyStep } from './copy-plan.js';
import { largeObjectMetadataStep } from './large-object-metadata.js';
import type { LoadStep } from './load-plan.js';

export interface LoadOptions {
  readonly jobs: number;
  readonly journal: Journal;
  /** The snapshot copy workers read from; needed only while copy steps remain. */
  readonly snapshot: string | undefined;
  readonly source: SourceEndpoint;
  readonly target: TargetEndpoint;
  /**
   * Opens a copy step's reject file (emptied): where a source's value policy sets rows and values aside, and, with
   * `targetRejects`, the rows the target refuses. Absent, either fails the table.
   */
  readonly rejectFile?: (stepId: string) => Promise<RejectSink>;
  /** A row the target refuses goes to the reject file instead of failing its table (`rejects: file`). */
  readonly targetRejects?: boolean;
  readonly onEvent?: EventListener;
  readonly signal?: AbortSignal;
  /** How long a copy waits for another session's lock on its table (default 60 s). */
  readonly lockWaitMs?: number;
}

interface LoadWorker {
  readonly target: TargetSession;
  /** Opened on first use, in the run's snapshot; each copy reads in a snapshot transaction of its own. */
  source(): Promise<SourceReader>;
  /** Ends the copy's snapshot transaction, and with it the lock on the table it read. */
  endCopy(): Promise<void>;
  /** Closes the source reader (lost, or left unusable by a failed copy); the next source() opens a new one. */
  dropSource(): Promise<void>;
}

/** How often a copy is retried when its source connection is lost, before the run stops (resumable). */
const sourceRetries = 3;

/**
 * How often a DDL step the server chose as a deadlock's victim runs again: two foreign keys between the same two
 * tables (one → two, two → one), added at once, each lock both tables in opposite orders. The other one proceeds.
 */
const deadlockRetries = 3;

/** SQLSTATE 40P01: the server ended this statement to break a deadlock; the other party goes on. */
function deadlockVictim(error: unknown): boolean {
  return error instanceof PgferryError && error.server?.sqlState === '40P01';
}

async function runDdl(target: TargetSession, sql: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await target.execute(sql);
      return;
    } catch (error) {
      if (!deadlockVictim(error) || attempt > deadlockRetries) throw error;
    }
  }
}

interface CopyAttemptOptions {
  readonly binary: boolean;
  readonly lostConnection: (error: unknown) => boolean;
  readonly rejects?: RejectSink & { restart(): Promise<void> };
  readonly targetRejects: boolean;
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
async function copyWithRetries(copy: CopyStep, worker: LoadWorker, options: CopyAttemptOptions): Promise<LoadTableResult> {
  const { table, range } = copy;
  let sourceLost = false;
  const lockWaitMs = options.lockWaitMs ?? 60_000;
  const attempt = async (attemptNumber: number) => {
    sourceLost = false;
    let opened = 0;
    const { rejects } = options;
    // Each pass over the rows writes the reject file from its start.
    await rejects?.restart();
    // A second open (the row-by-row pass after a refused row) needs a new reader: the first one's read was cut.
    const open = async (binary: boolean) => {
      if (opened++ > 0) {
        await worker.dropSource();
        await rejects?.restart();
      }
      const reader = await worker.source();
      return reader.readRows(table, range, { binary, lockWaitMs, onLockWait: options.onLockWait, ...(rejects ? { setAside: (entry) => rejects.writeSetAside(entry) } : {}) });
    };
    const result = await worker.target
      .loadTable(open, {
        table,
        ...(range ? { range } : {}),
        binary: options.binary,
        // The target rolled back a failed attempt, so only an earlier run's attempt can have left rows.
        redo: options.redo && attemptNumber === 1,
        lockWaitMs,
        onLockWait: options.onLockWait,
        onProgress: options.onProgress,
        ...(rejects && options.targetRejects ? { rejects: async () => rejects } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      })
      .catch((error: unknown) => {
        sourceLost = options.lostConnection(error);
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
      ...(error instanceof PgferryError && error.server ? { server: error.server } : {}),
    });
  });
}

/**
 * Copies one OID range of large objects, read in the run's snapshot. The target removes what an earlier attempt left
 * of the range in the same transaction. A failure stops the run (resumable); the source reader, whose snapshot
 * transaction it may have aborted, is closed.
 */
async function copyLargeObjects(range: LargeObjectRange, worker: LoadWorker, onProgress: (bytes: number) => void): Promise<{ objects: number; bytes: number }> {
  try {
    const reader = await worker.source();
    const written = await worker.target.writeLargeObjects(range, reader.readLargeObjects(range), onProgress);
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
  const runStep = (step: LoadStep, worker: LoadWorker) => {
    if (moves(step)) copiesNotStarted -= 1;
    return runJournaledStep(
      journal,
      step,
      async (redo) => {
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
          const rejects = options.rejectFile ? stepRejectSink(() => options.rejectFile!(step.id)) : undefined;
          const targetRejects = options.targetRejects ?? false;
          const attempt = { binary, lostConnection, redo, signal: options.signal, lockWaitMs: options.lockWaitMs, onProgress, onRetry, onLockWait, targetRejects, ...(rejects ? { rejects } : {}) };
          const result = await copyWithRetries(step.copy, worker, attempt).finally(() => rejects?.close());
          copiedBytes += step.cost - reported;
          // Past the last copy a worker only builds on the target: its source reader would sit idle until the graph ends.
          if (copiesNotStarted === 0) await worker.dropSource();
          if (result.rejected > 0) {
            warn({
              code: 'ROWS_REJECTED',
              message: `${step.id}: ${result.rowsRead} row(s) read = ${result.rows} loaded + ${result.rejected} rejected; the rejected rows are in ${rejects?.location || 'the reject file'} with their reasons`,
              hint: 'Fix those rows (in the source, or the column types) and migrate again, or load them from the reject file; verify names them until then.',
            });
          }
          if ((result.valuesNulled ?? 0) > 0) {
            warn({
              code: 'VALUES_NULLED',
              message: `${step.id}: ${result.valuesNulled} value(s) its column's type does not take were loaded as NULL (value policy null); each is in ${rejects?.location || 'the reject file'} with its row, value and reason`,
            });
          }
          return { rows: result.rows, bytes: result.bytes };
        }
        if (step.kind === 'large-objects') {
          let reported = 0;
          const onProgress = (bytes: number) => {
            copiedBytes += bytes - reported;
            reported = bytes;
            emit({ type: 'copy:progress', table: 'large objects', bytes: copiedBytes, totalBytes, ms: Date.now() - started });
          };
          const result = await copyLargeObjects(step.range, worker, onProgress);
          copiedBytes += step.cost - reported;
          if (copiesNotStarted === 0) await worker.dropSource();
          // The copy recreated the range's objects bare: their owners, grants and comments are applied again.
          if (journal.isDone(largeObjectMetadataStep)) journal.reopenStep(largeObjectMetadataStep);
          return { rows: result.objects, bytes: result.bytes };
        }
        // A worker whose copies ended before the last copy started still holds an idle source reader: closed here.
        if (copiesNotStarted === 0) await worker.dropSource();
        try {
          await runDdl(worker.target, step.sql);
        } catch (error) {
          // A step an earlier attempt committed but did not record is there already.
          if (!(redo && step.existsProbe && (await worker.target.holds(step.existsProbe)))) {
            throw new PgferryError('SCHEMA_FAILED', `target refused ${step.id}: ${(error as Error).message}`, {
              hint: `The statement was: ${step.sql}\nFix the cause on the target and run the same command again; finished steps are not redone.`,
              cause: error,
              ...(error instanceof PgferryError && error.server ? { server: error.server } : {}),
            });
          }
        }
      },
      emit,
    );
  };
  const binary = options.source.capabilities.binaryCopy && options.target.capabilities.binaryCopy;
  const lostConnection = (error: unknown) => options.source.lostConnection(error);

  await runGraph<LoadWorker>(
    steps.map((step) => ({ id: step.id, needs: step.needs, cost: step.cost, run: async (worker) => void (await runStep(step, worker)) })),
    {
      jobs: options.jobs,
      isDone: (id) => journal.isDone(id),
      signal: options.signal,
      openWorker: async () => {
        const target = await options.target.openLoadSession();
        let source: Promise<SourceReader> | undefined;
        const dropSource = async () => {
          const dropped = source;
          source = undefined;
          await dropped?.then((reader) => reader.close()).catch(() => undefined);
        };
        return {
          target,
          dropSource,
          // One snapshot transaction per copy: a transaction that read every table would keep a lock on each until it
          // ended, and thousands of tables fill the source's lock table (pg_dump's "out of shared memory").
          source: () => {
            if (!options.snapshot) throw new Error('a copy step ran without a snapshot to join');
            return (source ??= options.source.openReader(options.snapshot));
          },
          // The rows are committed on the target already: a reader that cannot end its read is closed, not retried.
          endCopy: async () => {
            const reader = await source?.catch(() => undefined);
            if (reader) await reader.endRead().catch(dropSource);
          },
        };
      },
      // A worker's source reader is a session on the source: closed as soon as the graph is done, not when the
      // command ends.
      closeWorker: async (worker) => {
        await worker.dropSource();
        await worker.target.close();
      },
    },
  );
  return warnings;
}
