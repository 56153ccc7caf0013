/** restore-plan.json: the restore plan (sections of statements, tables and their data files) as written and as checked on reading. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PgferryError } from '../../errors/pgferry-error.js';
import { schemaSectionNames, type RestorePlan } from '../portable-archive.js';
import { restorePlanPath } from './archive-layout.js';

const restorePlanSchema = z.object({
  formatVersion: z.literal(1),
  sections: z.array(z.object({ name: z.enum(schemaSectionNames), namesRoles: z.boolean(), changesServerRoles: z.boolean(), statements: z.array(z.string()) })),
  tables: z.array(
    z.object({
      schema: z.string(),
      name: z.string(),
      columns: z.array(z.string()),
      path: z.string().regex(/^data\/[A-Za-z0-9_.-]+$/),
      rows: z.number().int().min(0),
    }),
  ),
  // Absent in archives written before large objects were carried.
  largeObjects: z
    .array(
      z.object({
        path: z.string().regex(/^data\/[A-Za-z0-9_.-]+$/),
        from: z.number().int().min(0).nullable(),
        to: z.number().int().min(0).nullable(),
        objects: z.number().int().min(0),
        bytes: z.number().int().min(0),
      }),
    )
    .default([]),
});

export function renderRestorePlan(plan: RestorePlan): string {
  return `${JSON.stringify(plan, null, 1)}\n`;
}

export async function readRestorePlan(dir: string): Promise<RestorePlan> {
  const path = join(dir, restorePlanPath);
  try {
    return restorePlanSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new PgferryError('BACKUP_CORRUPT', `${path} cannot be read as a portable archive's restore plan: ${(error as Error).message}`, {
      hint: 'The archive is incomplete or damaged; restore from an intact copy, or take a new backup.',
      cause: error,
    });
  }
}
