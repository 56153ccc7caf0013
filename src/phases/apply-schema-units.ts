/**
 * Applies schema units in journaled transactions of a few hundred statements. A refusable unit (language, foreign
 * data, publication, event trigger) is tried under a savepoint: a target that refuses it (a managed target's owner
 * is no superuser) gives an OBJECT_REFUSED warning and the run goes on; a unit that needs a refused one is refused
 * in turn, named, and not tried. Any other unit the target refuses stops the run (SCHEMA_FAILED).
 */
import type { TargetSession, TargetTransaction } from '../endpoints/endpoint.js';
import { statementsPerTransaction } from '../model/ddl/statements-per-transaction.js';
import type { SchemaUnit } from '../model/ddl/schema-unit.js';
import type { Finding } from '../model/findings.js';
import { objectRefused, privilegeNotApplied } from '../model/refused-object.js';
import type { Journal } from '../run/journal.js';
import { runJournaledTransaction, schemaFailed } from './journaled-transaction.js';

export interface AppliedUnits {
  readonly warnings: Finding[];
  /** Ids of the units not created: refused by the target, or in turn. */
  readonly refused: Set<string>;
}

/** Pure: units cut into batches of about `statementsPerTransaction` statements, ids "<prefix>#1" … */
function batchUnits(idPrefix: string, units: readonly SchemaUnit[]): Array<{ id: string; units: SchemaUnit[] }> {
  const batches: Array<{ id: string; units: SchemaUnit[] }> = [];
  let size = statementsPerTransaction;
  for (const unit of units) {
    if (size >= statementsPerTransaction) {
      batches.push({ id: `${idPrefix}#${batches.length + 1}`, units: [] });
      size = 0;
    }
    batches.at(-1)!.units.push(unit);
    size += unit.create.length + unit.settle.length;
  }
  return batches;
}

export interface UnitsToApply {
  readonly phase: string;
  readonly idPrefix: string;
  readonly units: readonly SchemaUnit[];
  /** Ids refused by earlier steps: a unit needing one is refused in turn. */
  readonly refusedBefore: ReadonlySet<string>;
}

/**
 * Each batch journals its warnings and refusals with its transaction, so a resumed run that skips the batch
 * reports them again and still refuses what needs them.
 */
export async function applySchemaUnits(journal: Journal, target: TargetSession, work: UnitsToApply): Promise<AppliedUnits> {
  const warnings: Finding[] = [];
  const refused = new Set(work.refusedBefore);
  for (const batch of batchUnits(work.idPrefix, work.units)) {
    const key = `refusals:${batch.id}`;
    let outcome: AppliedUnits = { warnings: [], refused: new Set() };
    const ran = await runJournaledTransaction(journal, target, { id: batch.id, phase: work.phase }, async (tx) => {
      // Function bodies may name objects created later; like pg_dump, do not check them now.
      await tx.deferFunctionBodyChecks();
      outcome = await applyBatch(target, tx, batch.id, batch.units, refused);
      journal.setValue(key, { warnings: outcome.warnings, refused: [...outcome.refused] });
    });
    if (ran !== 'ran') {
      const stored = journal.value<{ warnings: Finding[]; refused: string[] }>(key) ?? { warnings: [], refused: [] };
      outcome = { warnings: stored.warnings, refused: new Set(stored.refused) };
    }
    warnings.push(...outcome.warnings);
    outcome.refused.forEach((id) => refused.add(id));
  }
  return { warnings, refused };
}

async function applyBatch(target: TargetSession, tx: TargetTransaction, batchId: string, units: readonly SchemaUnit[], refusedBefore: ReadonlySet<string>): Promise<AppliedUnits> {
  const warnings: Finding[] = [];
  const refused = new Set<string>();
  for (const unit of units) {
    const missing = unit.needs.find((id) => refused.has(id) || refusedBefore.has(id));
    if (missing) {
      refused.add(unit.id);
      warnings.push(objectRefused(unit.id, `it needs ${missing}, which the target refused`));
      continue;
    }
    if (!unit.refusable) await createOrFail(target, tx, batchId, unit);
    const refusal = unit.refusable ? await tx.attempt(unit.create) : undefined;
    if (refusal) {
      refused.add(unit.id);
      warnings.push(objectRefused(unit.id, `the target refused it: ${refusal.message}`));
      continue;
    }
    for (const statement of unit.settle) {
      const settleRefusal = await tx.attempt([statement]);
      if (settleRefusal) warnings.push(privilegeNotApplied(statement, settleRefusal.message));
    }
  }
  return { warnings, refused };
}

async function createOrFail(target: TargetSession, tx: TargetTransaction, batchId: string, unit: SchemaUnit): Promise<void> {
  for (const statement of unit.create) {
    try {
      await tx.execute(statement);
    } catch (error) {
      throw schemaFailed(target, batchId, statement, error);
    }
  }
}
