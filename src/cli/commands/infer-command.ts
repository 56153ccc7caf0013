/** `pgferry infer --from json://dir`: drafts the mapping of a JSON source (the plan's json section) from its records. */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { inferJson } from '../../api/infer.js';
import { exitCodes } from '../exit-codes.js';
import type { CommandOutput } from '../output.js';
import { renderError } from '../render-error.js';

export function inferCommand(output: CommandOutput): Command {
  return new Command('infer')
    .description("draft a JSON source's mapping to PostgreSQL tables from its records (types, optional fields, nested arrays as child tables)")
    .requiredOption('--from <url>', 'the JSON source: json:///path/to/dir holding users.json, projects.ndjson…')
    .option('--out <file>', 'write the draft (YAML, the plan\'s json section) to this file instead of standard output')
    .option('--debug', 'show stack traces and causes of errors')
    .action((flags: { from: string; out?: string; debug?: boolean }) => {
      const result = inferJson({ from: flags.from });
      if (result.status === 'failed') {
        output.stderr(renderError(result.error, flags.debug ?? false));
        output.setExitCode(exitCodes.error);
        return;
      }
      if (flags.out) writeFileSync(flags.out, result.yaml);
      else output.stdout(result.yaml.trimEnd());
      const notes = result.findings.map((f) => `  ! [${f.code}] ${f.message}${f.hint ? `\n      → ${f.hint}` : ''}`);
      output.stderr([`pgferry infer: ${Object.keys(result.collections).length} collection(s), ${result.records} record(s) read from ${result.source}${flags.out ? `; draft written to ${flags.out}` : ''}`, ...notes].join('\n'));
      output.setExitCode(exitCodes.ok);
    });
}
