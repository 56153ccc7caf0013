/**
 * What the copy rounds come to, per tool: median seconds of its complete runs, min–max, how many runs failed or
 * left an incomplete copy, and pgferry ÷ tool computed within each round (both complete in that round) and
 * reported as the median of those same-round ratios.
 */
import Table from 'cli-table3';
import type { CopyOutcome } from './copy-rounds.js';
import { median, spreadOf, type Spread } from './stats.js';
import type { Tool, ToolId } from './tools.js';

export interface ToolSummary {
  readonly id: ToolId;
  readonly name: string;
  readonly version: string | null;
  readonly completeRuns: number;
  readonly incompleteRuns: number;
  readonly failedRuns: number;
  /** Seconds of the complete runs; null when none completed. */
  readonly seconds: Spread | null;
  /** pgferry ÷ this tool, per round in which both completed; null without such a round or without pgferry. */
  readonly pgferryOverTool: Spread | null;
  readonly medianMaxRssKb: number | null;
}

function completeMs(outcomes: readonly CopyOutcome[], tool: ToolId, round: number): number | null {
  const outcome = outcomes.find((o) => o.tool === tool && o.round === round);
  return outcome?.status === 'complete' ? outcome.ms : null;
}

export function summarizeCopies(tools: readonly Tool[], outcomes: readonly CopyOutcome[], rounds: number): ToolSummary[] {
  return tools.map((tool) => {
    const mine = outcomes.filter((o) => o.tool === tool.id);
    const complete = mine.flatMap((o) => (o.status === 'complete' ? [o] : []));
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const pgferryMs = completeMs(outcomes, 'pgferry', round);
      const toolMs = completeMs(outcomes, tool.id, round);
      if (pgferryMs !== null && toolMs !== null) ratios.push(pgferryMs / toolMs);
    }
    const rss = complete.flatMap((o) => (o.maxRssKb !== undefined ? [o.maxRssKb] : []));
    return {
      id: tool.id,
      name: tool.name,
      version: tool.version,
      completeRuns: complete.length,
      incompleteRuns: mine.filter((o) => o.status === 'incomplete').length,
      failedRuns: mine.filter((o) => o.status === 'failed').length,
      seconds: complete.length > 0 ? spreadOf(complete.map((o) => o.ms / 1000)) : null,
      pgferryOverTool: ratios.length > 0 ? spreadOf(ratios) : null,
      medianMaxRssKb: rss.length > 0 ? median(rss) : null,
    };
  });
}

/** pgferry ÷ floor, per round in which pgferry completed. */
export function pgferryOverFloor(outcomes: readonly CopyOutcome[], floorMsByRound: ReadonlyMap<number, number>): Spread | null {
  const ratios: number[] = [];
  for (const [round, floorMs] of floorMsByRound) {
    const pgferryMs = completeMs(outcomes, 'pgferry', round);
    if (pgferryMs !== null) ratios.push(pgferryMs / floorMs);
  }
  return ratios.length > 0 ? spreadOf(ratios) : null;
}

const seconds = (s: number) => s.toFixed(1);
const ratio = (r: number) => r.toFixed(2);

export function renderCopyTable(summaries: readonly ToolSummary[], tableMb: number): string {
  const table = new Table({
    head: ['tool', 'median s', 'min–max s', 'MB/s', 'pgferry ÷ tool (same-round median, min–max)', 'runs'],
    style: { head: [], border: [] },
  });
  for (const s of summaries) {
    const runs = `${s.completeRuns} complete${s.incompleteRuns ? `, ${s.incompleteRuns} INCOMPLETE` : ''}${s.failedRuns ? `, ${s.failedRuns} FAILED` : ''}`;
    table.push([
      s.name,
      s.seconds ? seconds(s.seconds.median) : '—',
      s.seconds ? `${seconds(s.seconds.min)}–${seconds(s.seconds.max)}` : '—',
      s.seconds ? (tableMb / s.seconds.median).toFixed(0) : '—',
      s.id === 'pgferry' ? '1' : s.pgferryOverTool ? `${ratio(s.pgferryOverTool.median)} (${ratio(s.pgferryOverTool.min)}–${ratio(s.pgferryOverTool.max)})` : '—',
      runs,
    ]);
  }
  return table.toString();
}
