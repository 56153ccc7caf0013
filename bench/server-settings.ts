/** The server settings that move the figures, read from each server so they are printed beside the ratios and saved with them. */
import { queryOnce } from './sql.js';

export const settingsThatMatter = [
  'server_version',
  'fsync',
  'synchronous_commit',
  'full_page_writes',
  'shared_buffers',
  'max_wal_size',
  'wal_level',
  'maintenance_work_mem',
  'work_mem',
  'max_parallel_maintenance_workers',
  'max_worker_processes',
  'autovacuum',
] as const;

export type ServerSettings = Readonly<Record<(typeof settingsThatMatter)[number], string>>;

export async function readServerSettings(url: string): Promise<ServerSettings> {
  const rows = await queryOnce<{ name: string; value: string }>(
    url,
    `SELECT name, current_setting(name) AS value FROM unnest($1::text[]) AS name`,
    [[...settingsThatMatter]],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.value])) as ServerSettings;
}

/** One line per setting: name, source value, target value. */
export function formatServerSettings(source: ServerSettings, target: ServerSettings): string[] {
  const width = Math.max(...settingsThatMatter.map((s) => s.length));
  return [
    `${'setting'.padEnd(width)}  source / target`,
    ...settingsThatMatter.map((name) => `${name.padEnd(width)}  ${source[name]} / ${target[name]}`),
  ];
}
