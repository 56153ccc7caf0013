/**
 * Sequences after a migration: each one's state on the target (last_value and is_called) must be the source's,
 * whether or not it feeds a column, so the application's next nextval returns what it would have on the source.
 */
import type { VerifyReader } from '../endpoints/endpoint.js';

export interface SequenceProblem {
  readonly sequence: string;
  readonly problem: string;
}

function state(value: { lastValue: string; isCalled: boolean }): string {
  return value.isCalled ? `last_value ${value.lastValue}` : `last_value ${value.lastValue} not yet returned (is_called false)`;
}

export async function verifySequences(source: VerifyReader, target: VerifyReader): Promise<SequenceProblem[]> {
  const [a, b] = await Promise.all([source.sequenceValues(), target.sequenceValues()]);
  const targetValues = new Map(b.map((v) => [`${v.schema}.${v.name}`, v]));
  const problems: SequenceProblem[] = [];
  for (const v of a) {
    const name = `${v.schema}.${v.name}`;
    const t = targetValues.get(name);
    if (!t) continue; // a missing sequence is a schema difference
    if (t.lastValue !== v.lastValue || t.isCalled !== v.isCalled) {
      problems.push({ sequence: name, problem: `${state(t)} on the target, ${state(v)} on the source` });
    }
  }
  return problems;
}
