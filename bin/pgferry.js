#!/usr/bin/env node
import { runCli } from '../dist/src/cli/main.js';

process.once('SIGINT', () => process.exit(130));
process.exitCode = await runCli(process.argv.slice(2));
