/**
 * The timed copies: in each round every available tool runs once, in rotated order, from the same starting line
 * (run-conditions), and each copy is then checked complete (completeness). A run that fails or leaves an
 * incomplete copy is recorded as such and never counted as a timing.
 */
import type { LocalServer } from '../src/embedded/local-server.js';
import { copyShortfalls, readCopyShape, type CopyShape } from './completeness.js';
import { prepareCopyRun } from './run-conditions.js';
import { roundOrder } from './rotation.js';
import type { Tool, ToolId } from './tools.js';

export type CopyOutcome =
  | { readonly round: number; readonly tool: ToolId; readonly status: 'complete'; readonly ms: number; readonly maxRssKb?: number }
  | { readonly round: number; readonly tool: ToolId; readonly status: 'incomplete'; readonly ms: number; readonly shortfalls: readonly string[] }
  | { readonly round: number; readonly tool: ToolId; readonly status: 'failed'; readonly error: string };

export interface CopyRoundsRequest {
  readonly tools: readonly Tool[];
  readonly rounds: number;
  readonly sourceUrl: string;
  readonly sourceShape: CopyShape;
  readonly target: LocalServer;
  /** Runs after every round (the floor is measured within the round, like the tools). */
  readonly afterRound?: (round: number) => Promise<void>;
  readonly log: (line: string) => void;
}

async function runOnce(tool: Tool, round: number, request: CopyRoundsRequest): Promise<CopyOutcome> {
  const targetUrl = await prepareCopyRun(request.sourceUrl, request.target);
  let ms: number;
  let maxRssKb: number | undefined;
  try {
    ({ ms, maxRssKb } = await tool.run(request.sourceUrl, targetUrl));
  } catch (error) {
    return { round, tool: tool.id, status: 'failed', error: (error as Error).message };
  }
  const shortfalls = copyShortfalls(request.sourceShape, await readCopyShape(targetUrl));
  if (shortfalls.length > 0) return { round, tool: tool.id, status: 'incomplete', ms, shortfalls };
  return { round, tool: tool.id, status: 'complete', ms, ...(maxRssKb !== undefined ? { maxRssKb } : {}) };
}

function describe(outcome: CopyOutcome): string {
  switch (outcome.status) {
    case 'complete':
      return `${(outcome.ms / 1000).toFixed(1)} s, copy complete`;
    case 'incomplete':
      return `${(outcome.ms / 1000).toFixed(1)} s but INCOMPLETE: ${outcome.shortfalls.join('; ')}`;
    case 'failed':
      return `FAILED: ${outcome.error.split('\n').slice(0, 3).join(' ')}`;
  }
}

export async function runCopyRounds(request: CopyRoundsRequest): Promise<CopyOutcome[]> {
  const outcomes: CopyOutcome[] = [];
  for (let round = 0; round < request.rounds; round++) {
    for (const tool of roundOrder(request.tools, round)) {
      const outcome = await runOnce(tool, round, request);
      request.log(`round ${round + 1}: ${tool.name}: ${describe(outcome)}`);
      outcomes.push(outcome);
    }
    await request.afterRound?.(round);
  }
  return outcomes;
}
