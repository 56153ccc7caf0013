/** Runs the pgferry CLI and prints its peak resident memory, so the bench can report pgferry's own footprint. */
import { runCli } from '../src/cli/main.js';

const code = await runCli(process.argv.slice(2));
const usage = process.resourceUsage();
process.stderr.write(`\npgferry-max-rss-kb ${usage.maxRSS}\npgferry-cpu-ms ${Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)}\n`);
process.exit(code);
