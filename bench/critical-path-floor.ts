/**
 * The critical-path floor of a copy: no tool can finish before its longest single table is copied and that
 * table's slowest index is built. Each piece is measured alone, with nothing else running, through plain SQL
 * written apart from pgferry: one binary COPY stream per table (TRUNCATE + COPY FREEZE in one transaction,
 * the fastest single-stream load), then each of the table's indexes built on its own (CREATE INDEX from the
 * source's own definition, maintenance_work_mem as pgferry's load sessions set it), a checkpoint before each.
 * floor = max over tables of (copy alone + slowest index build alone). Foreign-key validation, ANALYZE and the
 * schema are left out, so the floor is below what any complete copy can reach.
 */
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { checkpoint } from './run-conditions.js';
import { queryOnce } from './sql.js';

export interface TableFloor {
  readonly table: string;
  readonly copyMs: number;
  readonly indexBuildMs: Readonly<Record<string, number>>;
  /** Copy alone + the slowest index build alone. */
  readonly floorMs: number;
}

export interface CriticalPathFloor {
  readonly floorMs: number;
  /** The table whose copy + slowest build is longest. */
  readonly table: string;
  readonly tables: readonly TableFloor[];
}

/** The session setting pgferry's load sessions use, so the floor's index builds are not slowed by a smaller default. */
const indexBuildMemory = '256MB';

async function elapsed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Creates the source's tables (no indexes, no constraints beyond NOT NULL) in the empty target: pg_dump's pre-data section. */
async function createBareTables(sourceUrl: string, targetUrl: string, clientPath: string | undefined): Promise<void> {
  const child = spawn('bash', ['-o', 'pipefail', '-c', 'pg_dump --section=pre-data -d "$SRC" | psql -X -q -v ON_ERROR_STOP=1 -d "$DST" > /dev/null'], {
    env: { ...process.env, PATH: clientPath, SRC: sourceUrl, DST: targetUrl },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`pg_dump --section=pre-data | psql exited with ${code}: ${stderr.slice(-2000)}`);
}

async function copyTableAlone(sourceUrl: string, targetUrl: string, table: string): Promise<number> {
  const reader = new pg.Client({ connectionString: sourceUrl });
  const writer = new pg.Client({ connectionString: targetUrl });
  await Promise.all([reader.connect(), writer.connect()]);
  try {
    return await elapsed(async () => {
      await writer.query(`BEGIN; TRUNCATE ${table}`);
      await pipeline(reader.query(copyTo(`COPY ${table} TO STDOUT (FORMAT binary)`)), writer.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT binary, FREEZE)`)));
      await writer.query('COMMIT');
    });
  } finally {
    await Promise.all([reader.end(), writer.end()]);
  }
}

async function buildIndexAlone(targetUrl: string, indexName: string, definition: string): Promise<number> {
  const client = new pg.Client({ connectionString: targetUrl });
  await client.connect();
  try {
    await client.query(`SET maintenance_work_mem = '${indexBuildMemory}'`);
    const ms = await elapsed(() => client.query(definition));
    await client.query(`DROP INDEX ${indexName}`);
    return ms;
  } finally {
    await client.end();
  }
}

/** `targetUrl` must be an empty database on the target server; `targetServerUrl` is that server's maintenance database. */
export async function measureCriticalPathFloor(sourceUrl: string, targetUrl: string, targetServerUrl: string, clientPath: string | undefined): Promise<CriticalPathFloor> {
  await createBareTables(sourceUrl, targetUrl, clientPath);
  const tables = await queryOnce<{ name: string }>(
    sourceUrl,
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1`,
  );
  const measured: TableFloor[] = [];
  for (const { name } of tables) {
    await checkpoint(sourceUrl, targetServerUrl);
    const copyMs = await copyTableAlone(sourceUrl, targetUrl, name);
    const indexes = await queryOnce<{ name: string; definition: string }>(
      sourceUrl,
      `SELECT format('%I.%I', n.nspname, c.relname) AS name, pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.indrelid = $1::regclass`,
      [name],
    );
    const indexBuildMs: Record<string, number> = {};
    for (const index of indexes) {
      await checkpoint(sourceUrl, targetServerUrl);
      indexBuildMs[index.name] = await buildIndexAlone(targetUrl, index.name, index.definition);
    }
    measured.push({ table: name, copyMs, indexBuildMs, floorMs: copyMs + Math.max(0, ...Object.values(indexBuildMs)) });
  }
  const longest = measured.reduce((a, b) => (b.floorMs > a.floorMs ? b : a));
  return { floorMs: longest.floorMs, table: longest.table, tables: measured };
}
