#!/usr/bin/env node
import { runCli } from '../dist/src/cli/main.js';
import { stopOnSignals } from '../dist/src/cli/run-interruption.js';

stopOnSignals();
process.exitCode = await runCli(process.argv.slice(2));
