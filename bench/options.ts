/** The bench's command-line options, checked once: size, rounds, tools, jobs, dataset variant and server durability. */
import { parseArgs } from 'node:util';
import { tableMbAtScaleOne, type Variant } from './dataset.js';
import { toolIds, type ToolId } from './tools.js';

export interface BenchOptions {
  /** Table data to generate in the source (heap + TOAST), approximately. */
  readonly sizeMb: number;
  readonly scale: number;
  readonly variant: Variant;
  readonly rounds: number;
  readonly jobs: number;
  readonly tools: readonly ToolId[];
  /** fsync, full_page_writes and synchronous_commit on, as on a production server (off by default, as in the tests). */
  readonly durable: boolean;
  /** Directory the results JSON is written to. */
  readonly outDir: string;
}

export const benchUsage = `npm run bench -- [--size-mb 1000] [--rounds 3] [--tools ${toolIds.join(',')}]
                 [--jobs 2] [--variant default|index-heavy] [--durable] [--out-dir bench-results]`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      'size-mb': { type: 'string', default: String(tableMbAtScaleOne) },
      rounds: { type: 'string', default: '3' },
      tools: { type: 'string', default: toolIds.join(',') },
      jobs: { type: 'string', default: '2' },
      variant: { type: 'string', default: 'default' },
      durable: { type: 'boolean', default: false },
      'out-dir': { type: 'string', default: 'bench-results' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${benchUsage}\n`);
    process.exit(0);
  }
  const problems: string[] = [];
  const positive = (name: string, text: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) problems.push(`--${name} must be a positive number, got "${text}"`);
    return n;
  };
  const sizeMb = positive('size-mb', values['size-mb']);
  const rounds = positive('rounds', values.rounds);
  const jobs = positive('jobs', values.jobs);
  if (!Number.isInteger(rounds)) problems.push(`--rounds must be a whole number, got "${values.rounds}"`);
  if (!Number.isInteger(jobs)) problems.push(`--jobs must be a whole number, got "${values.jobs}"`);
  const variant = values.variant;
  if (variant !== 'default' && variant !== 'index-heavy') problems.push(`--variant must be default or index-heavy, got "${variant}"`);
  const tools = values.tools.split(',').map((t) => t.trim()).filter((t) => t !== '');
  for (const tool of tools) if (!(toolIds as readonly string[]).includes(tool)) problems.push(`--tools: unknown tool "${tool}" (known: ${toolIds.join(', ')})`);
  if (tools.length === 0) problems.push('--tools names no tool');
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\nusage: ${benchUsage}`);
  return {
    sizeMb,
    scale: sizeMb / tableMbAtScaleOne,
    variant: variant as Variant,
    rounds,
    jobs,
    tools: toolIds.filter((id) => tools.includes(id)),
    durable: values.durable,
    outDir: values['out-dir'],
  };
}
