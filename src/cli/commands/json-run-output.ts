/** How a JSON source's command prints its result: JSON with --json, else the text, or the error; then where the report is. */
import type { Failed } from '../../api/with-endpoints.js';
import type { Recorded } from '../../api/with-run-record.js';
import type { CommonFlags } from '../common-options.js';
import type { CommandOutput } from '../output.js';
import { renderError } from '../render-error.js';
import { reportLocation } from '../report-location.js';

export function reportJsonRun<R extends { readonly status: string } & Recorded>(output: CommandOutput, flags: CommonFlags, result: R | (Failed & Recorded), render: (done: Exclude<R, Failed>) => string): void {
  if (flags.json) {
    const error = result.status === 'failed' ? (result as Failed).error : undefined;
    output.stdout(JSON.stringify({ type: 'result', ...result, error: error ? { code: error.code, message: error.message, hint: error.hint } : undefined }, null, 2));
    return;
  }
  const where = reportLocation(result);
  if (result.status === 'failed') output.stderr([renderError((result as Failed).error, flags.debug ?? false), where].filter(Boolean).join('\n'));
  else output.stdout([render(result as Exclude<R, Failed>), where].filter(Boolean).join('\n'));
}
