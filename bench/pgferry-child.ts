/** Runs the pgferry CLI and prints its peak resident memory, so the bench can report pgferry's own footprint. */
import { runCli } from '../src/cli/main.js';

const code = await runCli(process.argv.slice(2));
process.stderr.write(`\npgferry-max-rss-kb ${process.resourceUsage().maxRSS}\n`);
process.exit(code);
