/** Which contender goes first in which round: round r (from 0) starts with contender r mod n, so no tool always runs first. */

export function roundOrder<T>(contenders: readonly T[], round: number): T[] {
  const n = contenders.length;
  if (n === 0) return [];
  const start = round % n;
  return [...contenders.slice(start), ...contenders.slice(0, start)];
}
