/**
 * pgferry's portable archive: a PostgreSQL 17 source (the migrate fixture, the Chinook sample and the large-objects
 * fixture in one database) written to an archive, restored into fresh PostgreSQL 18 databases by pgferry and by psql
 * alone, each compared with the source by queries of this test and the large-objects oracle (rows by content hash,
 * every object by catalog facts, owners and grants, each large object's OID, data, owner, grants and comment); and a
 * damaged archive refused before anything is written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openPostgresEndpoint } from '../src/endpoints/open-endpoint.js';
import type { SourceEndpoint, TargetEndpoint } from '../src/endpoints/endpoint.js';
import { PgferryError } from '../src/errors/pgferry-error.js';
import type { BackupManifest } from '../src/model/backup-manifest.js';
import { writePortableArchive, type PortableArchiveResult } from '../src/phases/portable-archive.js';
import { restorePortableArchive } from '../src/phases/restore-portable.js';
import { portableArchives } from '../src/endpoints/open-endpoint.js';
import { checkBackupFiles, readManifest, writeManifest } from '../src/run/backup-files.js';
import { loadChinook } from '../src/sample/load-chinook.js';
import { tableDigests } from './harness/compare.js';
import { fixtureSql } from './harness/fixtures.js';
import { catalogInventory } from './harness/oracles/catalog-inventory.js';
import { largeObjectsOracle } from './harness/oracles/large-objects.js';
import { freshDatabase, testServer, withClient, type TestServer } from './harness/servers.js';

const opened: Array<SourceEndpoint | TargetEndpoint> = [];
function endpoint(url: string, role: 'source' | 'target'): SourceEndpoint & TargetEndpoint {
  const e = openPostgresEndpoint(url, { role, connectTimeoutSeconds: 10 });
  opened.push(e);
  return e;
}
after(async () => {
  for (const e of opened) await e.close();
});

/** Owners and grants of every user relation, routine and schema, the database's and roles' settings in it, extensions' versions. */
async function ownersAndGrants(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ line: string }>(
      `SELECT format('relation %s owner %s acl %s', c.oid::regclass, c.relowner::regrole, c.relacl) AS line
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
       UNION ALL
       SELECT format('routine %s owner %s acl %s', p.oid::regprocedure, p.proowner::regrole, p.proacl)
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'app'
       UNION ALL
       SELECT format('schema %I owner %s acl %s', nspname, nspowner::regrole, nspacl) FROM pg_namespace WHERE nspname IN ('app', 'public')
       UNION ALL
       SELECT format('settings of %s in this database: %s', coalesce(nullif(setrole, 0)::regrole::text, 'the database'), setconfig)
         FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
       UNION ALL
       SELECT format('extension %s version %s', extname, extversion) FROM pg_extension
       ORDER BY 1`,
    );
    return rows.map((r) => r.line);
  });
}

interface LargeObjectFacts {
  owner: string;
  grants: string[];
  comment: string | null;
  bytes: number;
  md5: string;
}

async function largeObjectsOf(url: string): Promise<Record<string, LargeObjectFacts>> {
  return withClient(url, (c) => largeObjectsOracle.snapshot(c)) as Promise<Record<string, LargeObjectFacts>>;
}

async function snapshotOf(url: string): Promise<{ rows: Record<string, string>; objects: string[]; privileges: string[]; largeObjects: Record<string, LargeObjectFacts> }> {
  return { rows: await tableDigests(url), objects: await catalogInventory(url), privileges: await ownersAndGrants(url), largeObjects: await largeObjectsOf(url) };
}

/** User relations and schemas in a database: what "nothing was written" means. */
async function userObjects(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ name: string }>(
      `SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND nspname NOT LIKE 'pg_%'`,
    );
    return rows.map((r) => r.name);
  });
}

async function writeArchive(source: SourceEndpoint, dir: string, database: string): Promise<PortableArchiveResult> {
  const archive = await writePortableArchive(source, dir, { archives: portableArchives, lockWaitMs: 60_000 });
  const manifest: BackupManifest = {
    formatVersion: 1,
    kind: 'portable',
    createdAt: new Date().toISOString(),
    source: { display: source.display, serverVersion: '17', major: 17, database },
    files: archive.files,
    tables: archive.tables,
    ...(archive.largeObjects ? { largeObjects: archive.largeObjects } : {}),
    hooks: [],
    check: { testRestore: { status: 'skipped', reason: 'test' } },
    notes: archive.notes,
  };
  await writeManifest(dir, manifest);
  return archive;
}

/** The source's large objects hold what the comparison must cover: an empty one, one over 1 MB, an owner, grants and a comment. */
function assertLargeObjectsWorthComparing(objects: Record<string, LargeObjectFacts>): void {
  const all = Object.values(objects);
  assert.equal(all.length, 4);
  assert.ok(all.some((o) => o.bytes === 0) && all.some((o) => o.bytes > 1024 * 1024));
  assert.deepEqual(objects['large object 424242'], { owner: 'lo_kind_owner', grants: ['lo_kind_reader:SELECT'], comment: 'the greeting', bytes: 19, md5: all.find((o) => o.bytes === 19)!.md5 });
}

describe('portable archive of a PostgreSQL 17 source', () => {
  let server17: TestServer;
  let server18: TestServer;
  let sourceUrl: string;
  let archiveDir: string;
  let archive: PortableArchiveResult;
  let expected: Awaited<ReturnType<typeof snapshotOf>>;

  before(async () => {
    server17 = await testServer(17);
    server18 = await testServer(18);
    const name = `archive_src_${process.pid}`;
    sourceUrl = server17.url(name);
    await loadChinook(server17.url(), sourceUrl, name);
    await withClient(sourceUrl, (c) => c.query(fixtureSql('migrate-fixture.sql')));
    // Four large objects: an empty one, a 3 MB one, one owned by another role with a grant and a comment.
    await withClient(sourceUrl, (c) => c.query(fixtureSql('kinds/large-objects.sql')));
    // Settings of the database and of a role in it: restored to whichever database the restore runs in.
    await withClient(sourceUrl, (c) => c.query(`ALTER DATABASE ${name} SET work_mem = '8MB'; ALTER ROLE mig_app IN DATABASE ${name} SET search_path = app, "$user"`));
    // Names holding a line break: psql reads a backslash command to the end of its line, so restore.sql must never
    // put one there (a name could otherwise end the \copy line and start a command of its own).
    await withClient(sourceUrl, (c) =>
      c.query(`CREATE TABLE public."line
break \\! echo injected" (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "two
lines" text);
               INSERT INTO public."line
break \\! echo injected" ("two
lines") VALUES ('a'), (E'b\nc'), (NULL)`),
    );
    // Two tables whose "schema.table" text is the same (a dot in a schema name, a dot in a table name), with other counts.
    await withClient(sourceUrl, (c) =>
      c.query(`CREATE SCHEMA "a.b"; CREATE TABLE "a.b".c (id int); INSERT INTO "a.b".c VALUES (1);
               CREATE SCHEMA a; CREATE TABLE a."b.c" (id int); INSERT INTO a."b.c" VALUES (1), (2)`),
    );
    archiveDir = mkdtempSync(join(tmpdir(), 'pgferry-archive-'));
    archive = await writeArchive(endpoint(sourceUrl, 'source'), archiveDir, name);
    expected = await snapshotOf(sourceUrl);
  });
  after(() => rmSync(archiveDir, { recursive: true, force: true }));

  it('holds every table with its rows, a manifest that checks, and names what it does not carry', async () => {
    const manifest = await readManifest(archiveDir);
    await checkBackupFiles(archiveDir, manifest);
    assert.equal(archive.tables.find((t) => t.table === 'app.orders')?.rows, 6000);
    assert.equal(archive.tables.find((t) => t.table === 'public.track')?.rows, 3503);
    assert.ok(archive.tables.length >= 20, `${archive.tables.length} tables`);
    const roles = new Set(archive.files.map((f) => f.role));
    for (const role of ['data', 'schema', 'roles', 'script'] as const) assert.ok(roles.has(role), `a ${role} file`);
    assert.match(archive.notes.join('\n'), /extensions are created at the source's version where the restoring server offers it/);
    const script = readFileSync(join(archiveDir, 'restore.sql'), 'utf8');
    assert.match(script, /\\copy "app"\."orders" \(.*\) FROM PROGRAM 'gzip -dc data\/\d{4}-app\.orders\.copy\.gz'/);
    assert.deepEqual(manifest.largeObjects, { count: 4, bytes: 19 + 0 + 3 * 1024 * 1024 + 23 });
    const largeObjectFiles = manifest.files.filter((f) => f.role === 'data' && f.table === undefined);
    assert.deepEqual(largeObjectFiles.map((f) => f.path), ['data/large-objects-0001.copy.gz']);
    assert.match(script, /\\copy pg_temp\.pgferry_large_objects \(.*\) FROM PROGRAM 'gzip -dc data\/large-objects-0001\.copy\.gz'/);
    assert.doesNotMatch(archive.notes.join('\n'), /large object/);
  });

  it('restored by pgferry into PostgreSQL 18 equals the source: rows, objects, sequences, owners and grants', async () => {
    const target = await freshDatabase(server18);
    const restored = await restorePortableArchive(archiveDir, endpoint(target.url, 'target'), { archives: portableArchives, privileges: true, jobs: 2 });
    assert.deepEqual(restored.skipped, []);
    assert.ok(Object.keys(expected.rows).length >= 20 && expected.objects.length > 100 && expected.privileges.some((p) => p.includes('mig_owner')));
    assert.equal(expected.privileges.filter((p) => p.startsWith('settings of ')).length, 2);
    assert.ok(expected.privileges.includes('extension citext version 1.6'), 'the source keeps an older citext than 18 installs by default');
    assertLargeObjectsWorthComparing(expected.largeObjects);
    assert.equal(restored.largeObjects, 4);
    assert.deepEqual(await snapshotOf(target.url), expected);
  });

  it('restored by psql alone into PostgreSQL 18 equals the source', async () => {
    const target = await freshDatabase(server18);
    const run = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', target.url, '-f', 'restore.sql'], { cwd: archiveDir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(await snapshotOf(target.url), expected);
  });

  it('without privileges, restores everything but roles, owners, grants and the policies for roles', async () => {
    const target = await freshDatabase(server18);
    const restored = await restorePortableArchive(archiveDir, endpoint(target.url, 'target'), { archives: portableArchives, privileges: false });
    assert.ok(restored.skipped.includes('privileges') && restored.skipped.includes('roles'));
    const actual = await snapshotOf(target.url);
    assert.deepEqual(actual.rows, expected.rows);
    // Both of the fixture's policies are for roles (mig_app, mig_reader).
    const forRoles = expected.objects.filter((line) => /^policy app\.orders (own_orders|no_negative) /.test(line));
    assert.equal(forRoles.length, 2);
    assert.deepEqual(actual.objects, expected.objects.filter((line) => !forRoles.includes(line)));
    assert.ok(!actual.privileges.some((p) => p.includes('mig_owner')), 'no object owned by a role the archive names');
    assert.deepEqual(
      actual.privileges.filter((p) => p.startsWith('settings of ')),
      expected.privileges.filter((p) => p.startsWith('settings of the database')),
    );
    // Every large object with its OID, data and comment, owned by the restoring user, without grants to roles.
    const restoringUser = new URL(target.url).username;
    assert.deepEqual(
      actual.largeObjects,
      Object.fromEntries(Object.entries(expected.largeObjects).map(([oid, o]) => [oid, { ...o, owner: restoringUser, grants: o.grants.filter((g) => g.startsWith('PUBLIC:')) }])),
    );
  });

  const ordersFile = () => archive.files.find((f) => f.table === 'app.orders')!.path;
  const largeObjectFile = () => archive.files.find((f) => f.role === 'data' && f.table === undefined)!.path;
  const damages: ReadonlyArray<{ what: string; damage: (dir: string, file: string) => void; says: RegExp; file?: () => string }> = [
    {
      what: 'one flipped byte in a data file',
      damage: (dir, file) => {
        const bytes = readFileSync(join(dir, file));
        bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
        writeFileSync(join(dir, file), bytes);
      },
      says: /does not match its sha256/,
    },
    { what: 'a truncated data file', damage: (dir, file) => truncateSync(join(dir, file), 10), says: /has 10 bytes, the manifest says \d+ \(truncated or changed\)/ },
    { what: 'a missing data file', damage: (dir, file) => rmSync(join(dir, file)), says: /is missing/ },
    { what: 'a missing file of large objects', damage: (dir, file) => rmSync(join(dir, file)), says: /is missing/, file: largeObjectFile },
  ];
  for (const { what, damage, says, file: fileOf = ordersFile } of damages) {
    it(`${what} is refused as BACKUP_CORRUPT naming the file, before anything is written`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pgferry-archive-damaged-'));
      try {
        cpSync(archiveDir, dir, { recursive: true });
        const file = fileOf();
        damage(dir, file);
        const target = await freshDatabase(server18);
        await assert.rejects(restorePortableArchive(dir, endpoint(target.url, 'target'), { archives: portableArchives, privileges: true }), (error: unknown) => {
          assert.ok(error instanceof PgferryError, String(error));
          assert.equal(error.code, 'BACKUP_CORRUPT');
          assert.ok(error.message.includes(file), error.message);
          assert.match(error.message, says);
          return true;
        });
        assert.deepEqual(await userObjects(target.url), []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
