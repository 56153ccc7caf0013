/**
 * The same starting line for every timed run: a freshly created target database, a CHECKPOINT on both servers
 * (so no tool pays for the previous one's dirty pages), and the source's tables read once (so every tool starts
 * from the same warm cache).
 */
import type { LocalServer } from '../src/embedded/local-server.js';
import { queryOnce } from './sql.js';

export const targetDatabase = 'bench_target';

/** Once, after the dataset is generated and before any timing: no tool meets unfrozen rows or missing statistics. */
export async function freezeSource(sourceUrl: string): Promise<void> {
  await queryOnce(sourceUrl, 'VACUUM (FREEZE, ANALYZE)');
}

/** Drops the target database and creates it again, the same way every time. */
export async function recreateTargetDatabase(target: LocalServer): Promise<string> {
  await queryOnce(target.url(), `DROP DATABASE IF EXISTS ${targetDatabase} WITH (FORCE)`);
  await queryOnce(target.url(), `CREATE DATABASE ${targetDatabase} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'`);
  return target.url(targetDatabase);
}

export async function checkpoint(...serverUrls: string[]): Promise<void> {
  await Promise.all(serverUrls.map((url) => queryOnce(url, 'CHECKPOINT')));
}

/** Reads every user table and its TOAST table once (count(*) reads each page), so the OS cache holds what the tools will read. */
export async function warmUp(databaseUrl: string): Promise<void> {
  const relations = await queryOnce<{ name: string }>(
    databaseUrl,
    `SELECT c.oid::regclass::text AS name FROM pg_class c
      WHERE c.relkind = 'r' AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
        AND c.relnamespace::regnamespace::text NOT LIKE 'pg_toast%'
     UNION ALL
     SELECT c.reltoastrelid::regclass::text FROM pg_class c
      WHERE c.relkind = 'r' AND c.reltoastrelid <> 0 AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
        AND c.relnamespace::regnamespace::text NOT LIKE 'pg_toast%'`,
  );
  for (const { name } of relations) await queryOnce(databaseUrl, `SELECT count(*) FROM ${name}`);
}

/** Before a timed copy: a fresh target database, a checkpoint on both servers, the source read once. Returns the target URL. */
export async function prepareCopyRun(sourceUrl: string, target: LocalServer): Promise<string> {
  const targetUrl = await recreateTargetDatabase(target);
  await warmUp(sourceUrl);
  await checkpoint(sourceUrl, target.url());
  return targetUrl;
}

/** Before a timed check of two databases: both read once, then a checkpoint on both servers. */
export async function prepareCheckRun(sourceUrl: string, targetUrl: string): Promise<void> {
  await Promise.all([warmUp(sourceUrl), warmUp(targetUrl)]);
  await checkpoint(sourceUrl, targetUrl);
}
