/** Prints a PgferryError for a person: what failed, what to do next; causes and stacks only with --debug. */
import type { PgferryError } from '../errors/pgferry-error.js';
import { redactSecrets } from '../errors/redact.js';

export function renderError(error: PgferryError, debug: boolean): string {
  const lines = [`error [${error.code}]: ${error.message}`];
  if (error.server?.detail) lines.push(`  detail: ${error.server.detail}`);
  lines.push(`  hint: ${error.hint}`);
  if (debug) {
    lines.push('', redactSecrets(error.stack ?? ''));
    let cause = error.cause;
    while (cause) {
      lines.push(`caused by: ${redactSecrets(cause instanceof Error ? (cause.stack ?? cause.message) : String(cause))}`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
  return lines.join('\n');
}
