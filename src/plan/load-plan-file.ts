/** Reads a YAML plan file into an unvalidated object. */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { PgferryError } from '../errors/pgferry-error.js';

export async function loadPlanFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new PgferryError('PLAN_NOT_FOUND', `plan file ${path} cannot be read: ${(cause as Error).message}`, {
      hint: 'Check the path given to --plan, or leave --plan out and pass --from and --to.',
      cause,
    });
  }
  return planFileSettings(path, text);
}

/** The settings the text of plan file `path` holds, unvalidated; PLAN_SYNTAX or PLAN_INVALID when it holds none. */
export function planFileSettings(path: string, text: string): Record<string, unknown> {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    throw new PgferryError('PLAN_SYNTAX', `plan file ${path} is not valid YAML: ${first.message}`, {
      hint: 'Fix the YAML at the line shown; a plan is a mapping such as "source: postgres://…".',
      cause: first,
    });
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new PgferryError('PLAN_INVALID', `plan file ${path} must be a mapping of settings, found ${Array.isArray(value) ? 'a list' : typeof value}`, {
      hint: 'Write the plan as key: value lines, e.g. "source: postgres://app@old-db/app".',
    });
  }
  return value as Record<string, unknown>;
}
