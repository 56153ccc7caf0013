/** Loads the bundled Chinook sample (MIT licensed, see sample/chinook/LICENSE.md) into a new database. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const chinookSql = fileURLToPath(new URL('../../../sample/chinook/chinook.sql', import.meta.url));

/** Creates `database` via `adminUrl` and runs the Chinook script in it; the script's own CREATE DATABASE and \c are skipped. */
export async function loadChinook(adminUrl: string, databaseUrl: string, database: string): Promise<void> {
  const script = await readFile(chinookSql, 'utf8');
  const marker = script.indexOf('\\c chinook;');
  const body = marker >= 0 ? script.slice(marker + '\\c chinook;'.length) : script;
  await createDatabase(adminUrl, database);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(body);
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE through a maintenance connection. */
export async function createDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}
