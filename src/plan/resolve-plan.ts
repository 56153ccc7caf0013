/** Builds the plan from its layers (flags, plan file, PGFERRY_* environment, defaults) and validates it once. */
import type { z } from 'zod';
import { PgferryError } from '../errors/pgferry-error.js';
import { loadPlanFile } from './load-plan-file.js';
import { planExamples, planSchema, type Plan, type PlanInput } from './plan-schema.js';

/** Settings given on the command line or by a program; undefined means "not given". */
export type PlanOverrides = { [K in keyof PlanInput]?: PlanInput[K] | undefined };

export interface PlanSources {
  /** Path of a YAML plan file. */
  readonly planFile?: string | undefined;
  /** Highest precedence: flags or API options. */
  readonly overrides?: PlanOverrides;
  /** Environment to read PGFERRY_* from; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

const envKeys: ReadonlyArray<readonly [string, keyof PlanInput]> = [
  ['PGFERRY_FROM', 'source'],
  ['PGFERRY_TO', 'target'],
  ['PGFERRY_RUN_DIR', 'runDir'],
  ['PGFERRY_JOBS', 'jobs'],
  ['PGFERRY_CONNECT_TIMEOUT', 'connectTimeoutSeconds'],
  ['PGFERRY_IF_TARGET_NOT_EMPTY', 'ifTargetNotEmpty'],
];

/**
 * Resolves and validates a plan. Precedence: overrides, plan file, PGFERRY_* environment, defaults.
 * Every problem is reported at once, each with its key and an example of a right value.
 */
export async function resolvePlan(sources: PlanSources): Promise<Plan> {
  return resolvePlanWith(sources, planSchema);
}

/** resolvePlan for a command whose plan differs from migrate's (backup needs no target, restore no source). */
export async function resolvePlanWith<S extends z.ZodType>(sources: PlanSources, schema: S): Promise<z.output<S>> {
  const env = sources.env ?? process.env;
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of envKeys) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const fromFile = sources.planFile ? await loadPlanFile(sources.planFile) : {};
  const merged: Record<string, unknown> = { ...fromEnv, ...fromFile };
  for (const [key, value] of Object.entries(sources.overrides ?? {})) {
    if (value === undefined) continue;
    // A flag for one nested setting (--format → backup.format) keeps the plan file's other settings of that group.
    const under = merged[key];
    merged[key] = isMapping(value) && isMapping(under) ? { ...under, ...value } : value;
  }
  return validatePlan(merged, sources.planFile, schema);
}

/** Validates an already merged plan object. */
export function validatePlan(input: unknown, planFile?: string): Plan;
export function validatePlan<S extends z.ZodType>(input: unknown, planFile: string | undefined, schema: S): z.output<S>;
export function validatePlan(input: unknown, planFile?: string, schema: z.ZodType = planSchema): unknown {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => describeIssue(issue, input));
  const where = planFile ? `plan ${planFile} (with flags and environment)` : 'settings from flags and environment';
  throw new PgferryError('PLAN_INVALID', `${where} has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
    hint: 'Fix each setting listed; run "pgferry --help" for the flags and docs/PLAN.md for the plan file.',
  });
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path.join('.');
    return issue.keys.map((key) => {
      const path = parent ? `${parent}.${key}` : key;
      const known = Object.keys(planExamples).filter((k) => (parent ? k.startsWith(`${parent}.`) : !k.includes('.')));
      return `${path}: unknown setting (known: ${known.map((k) => k.split('.').pop()).join(', ')})`;
    });
  }
  const path = issue.path.join('.') || '(plan)';
  // zod leaves the offending value out of its issues, so "missing" is decided on the input itself.
  const given = issue.path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined), input);
  const what =
    issue.code !== 'invalid_type'
      ? issue.message.replace(/^Invalid input: /, '')
      : given === undefined
        ? 'is required'
        : `wrong type: expected ${issue.expected}, got ${describeValue(given)}`;
  const example = planExamples[path];
  return [`${path}: ${what}${example ? ` (e.g. ${example})` : ''}`];
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
