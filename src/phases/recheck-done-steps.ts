/**
 * Before a resumed load, confirms on the target that what the load steps the journal calls done are really there.
 * Crash recovery empties every unlogged table, and a target that lost commits (an older run's asynchronous commit)
 * lacks objects; such steps are reopened, so the resumed run redoes them instead of failing on them. (A target
 * recreated or replaced at the same URL is refused before this, by its identity.)
 */
import { isTableEmpty } from '../endpoints/postgres/queries/table-facts.js';
import { runQuery, type Session } from '../endpoints/postgres/run-query.js';
import type { Finding } from '../model/findings.js';
import type { Journal } from '../run/journal.js';
import { tableId } from './copy-plan.js';
import type { LoadStep } from './load-plan.js';

/** `unlogged`: ids ("schema.name") of the tables created UNLOGGED. Returns one warning per reopened step. */
export async function recheckDoneSteps(steps: readonly LoadStep[], journal: Journal, target: Session, unlogged: ReadonlySet<string>): Promise<Finding[]> {
  const reopened: Finding[] = [];
  const reopen = (id: string, why: string) => {
    journal.reopenStep(id);
    reopened.push({ code: 'STEP_REDONE', message: `${id} was recorded as done but ${why}; it is done again`, hint: 'The target restarted or was restored since the interrupted run.' });
  };
  const copiesByTable = new Map<string, string[]>();
  for (const step of steps) {
    if (!journal.isDone(step.id)) continue;
    if (step.kind === 'copy') {
      const table = tableId(step.copy.table);
      if (unlogged.has(table) && (journal.doneRows(step.id) ?? 0) > 0) copiesByTable.set(table, [...(copiesByTable.get(table) ?? []), step.id]);
      continue;
    }
    if (step.kind !== 'sql' || !step.existsProbe) continue;
    const [row] = await runQuery<{ done: boolean }>(target, `whether ${step.id} is on the target`, step.existsProbe);
    if (row?.done !== true) reopen(step.id, 'the target does not have it');
  }
  for (const [table, ids] of copiesByTable) {
    const copy = steps.find((s) => s.kind === 'copy' && tableId(s.copy.table) === table);
    if (copy?.kind !== 'copy' || !(await isTableEmpty(target, copy.copy.table.schema, copy.copy.table.name))) continue;
    for (const id of ids) reopen(id, 'the unlogged table is empty (crash recovery empties unlogged tables)');
  }
  return reopened;
}
