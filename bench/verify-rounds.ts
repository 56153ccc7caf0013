/**
 * Verification after a pgferry migrate, timed against the check people write by hand: pgferry verify (full and
 * counts only) and the naive count + md5 check (one side then the other, and both sides at once). The checks
 * rotate like the copies, each after a checkpoint and with both databases read once; medians are reported.
 */
import { naiveCheckBothSidesAtOnce, naiveCheckOneSideThenOther } from './naive-check.js';
import { prepareCheckRun } from './run-conditions.js';
import { roundOrder } from './rotation.js';
import { spreadOf, type Spread } from './stats.js';
import { timePgferry } from './tools.js';

export const checkNames = {
  verify: 'pgferry verify (counts, checksums of every row, schema, sequences)',
  countsOnly: 'pgferry verify --counts-only',
  naiveSequential: 'naive check, source then target',
  naiveConcurrent: 'naive check, both sides at once',
} as const;
export type CheckId = keyof typeof checkNames;

export interface CheckSummary {
  readonly id: CheckId;
  readonly name: string;
  readonly seconds: Spread | null;
  /** This check ÷ pgferry verify, per round in which both succeeded. */
  readonly overVerify: Spread | null;
  readonly failures: readonly string[];
}

export async function runVerifyRounds(sourceUrl: string, targetUrl: string, jobs: number, rounds: number, log: (line: string) => void): Promise<CheckSummary[]> {
  const connection = ['--from', sourceUrl, '--to', targetUrl, '--jobs', String(jobs)];
  const checks: Record<CheckId, () => Promise<number>> = {
    verify: async () => (await timePgferry(['verify', ...connection])).ms,
    countsOnly: async () => (await timePgferry(['verify', '--counts-only', ...connection])).ms,
    naiveSequential: () => naiveCheckOneSideThenOther(sourceUrl, targetUrl),
    naiveConcurrent: () => naiveCheckBothSidesAtOnce(sourceUrl, targetUrl),
  };
  const ids = Object.keys(checks) as CheckId[];
  // Seconds per check, indexed by round; null where the check failed.
  const timings = new Map<CheckId, (number | null)[]>(ids.map((id) => [id, []]));
  const failures = new Map<CheckId, string[]>(ids.map((id) => [id, []]));
  for (let round = 0; round < rounds; round++) {
    for (const id of roundOrder(ids, round)) {
      await prepareCheckRun(sourceUrl, targetUrl);
      try {
        const ms = await checks[id]();
        timings.get(id)![round] = ms / 1000;
        log(`round ${round + 1}: ${checkNames[id]}: ${(ms / 1000).toFixed(1)} s`);
      } catch (error) {
        timings.get(id)![round] = null;
        failures.get(id)!.push((error as Error).message);
        log(`round ${round + 1}: ${checkNames[id]}: FAILED: ${(error as Error).message.split('\n')[0]}`);
      }
    }
  }
  const verify = timings.get('verify')!;
  return ids.map((id) => {
    const perRound = timings.get(id)!;
    const values = perRound.filter((s): s is number => s !== null);
    const ratios = perRound.flatMap((s, round) => (s !== null && verify[round] != null ? [s / verify[round]!] : []));
    return {
      id,
      name: checkNames[id],
      seconds: values.length > 0 ? spreadOf(values) : null,
      overVerify: ratios.length > 0 ? spreadOf(ratios) : null,
      failures: failures.get(id)!,
    };
  });
}
