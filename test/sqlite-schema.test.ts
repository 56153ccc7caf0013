import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteSnapshot } from '../src/endpoints/sqlite/open-sqlite.js';
import { defaultSqliteSchemaOptions, readSqliteSchema } from '../src/endpoints/sqlite/read-sqlite-schema.js';
import { PgferryError } from '../src/errors/pgferry-error.js';
import { renderConstraint, renderIndex } from '../src/model/ddl/render-post-data.js';
import type { SchemaModel, TableDef } from '../src/model/schema-model.js';
import { fitName } from '../src/model/sqlite/pg-names.js';
import { translateDefault } from '../src/model/sqlite/translate-default.js';
import { mapSqliteType } from '../src/model/sqlite/type-mapping.js';
import { planPreData } from '../src/phases/schema-pre.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const chinook = fileURLToPath(new URL('../../test/fixtures/external/chinook/Chinook_Sqlite.sqlite', import.meta.url));
const longName = 'a_table_whose_name_is_much_longer_than_sixty_three_bytes_in_postgresql';

const quirky = `
CREATE TABLE "User" (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  "Email" VARCHAR(255) NOT NULL UNIQUE,
  display_name NVARCHAR(80) COLLATE BINARY,
  nick TEXT COLLATE NOCASE,
  is_admin BOOLEAN NOT NULL DEFAULT 0,
  active BOOL DEFAULT TRUE,
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT (datetime('now')),
  created_text TEXT DEFAULT CURRENT_TIMESTAMP,
  birthday DATE DEFAULT CURRENT_DATE,
  wake TIME,
  score REAL DEFAULT -1.5,
  ratio FLOAT,
  dbl DOUBLE,
  balance DECIMAL(12,4) DEFAULT 0,
  amount NUMERIC,
  code CHAR(3) DEFAULT 'a''b',
  bio CLOB,
  avatar BLOB DEFAULT x'00FF',
  prefs JSON,
  token UUID,
  anything,
  epoch INT DEFAULT (strftime('%s','now')),
  small SMALLINT,
  salt TEXT DEFAULT (random()),
  CHECK (length("Email") > 3)
);
CREATE TABLE "order" (
  "Order_Id" INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES "User"(id) ON DELETE CASCADE ON UPDATE RESTRICT,
  total DECIMAL(10,2) NOT NULL CHECK (total >= 0),
  status TEXT NOT NULL DEFAULT 'new' CONSTRAINT status_known CHECK (status IN ('new', 'paid', 'shipped')),
  note TEXT CHECK (typeof(note) = 'text'),
  placed TEXT
);
CREATE TABLE order_pkey (id TEXT PRIMARY KEY);
CREATE INDEX user_nick ON "User"(nick);
CREATE INDEX order_open ON "order"(user_id) WHERE status <> 'shipped';
CREATE INDEX order_lower_status ON "order"(lower(status), total DESC);
CREATE INDEX order_glob ON "order"(note) WHERE note GLOB 'x*';
CREATE TABLE line_item (
  order_id INTEGER,
  line_no INTEGER NOT NULL,
  qty INT NOT NULL DEFAULT 1,
  price_cents INTEGER,
  total_cents INTEGER GENERATED ALWAYS AS (qty * price_cents) VIRTUAL,
  PRIMARY KEY (order_id, line_no),
  CONSTRAINT line_order FOREIGN KEY (order_id) REFERENCES "order" ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;
CREATE TABLE settings ("key" TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE ${longName} (id INTEGER PRIMARY KEY, x TEXT);
CREATE VIEW recent AS SELECT * FROM "order";
CREATE TRIGGER order_touch AFTER INSERT ON "order" BEGIN SELECT 1; END;
`;

function sqliteFile(sql: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'pgferry-sqlite-')), 'app.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(sql);
  db.close();
  return path;
}

function read(path: string, options = defaultSqliteSchemaOptions) {
  const snapshot = openSqliteSnapshot(path);
  try {
    return readSqliteSchema(snapshot.db, options);
  } finally {
    snapshot.close();
  }
}

const table = (model: SchemaModel, name: string) => model.objects.find((o): o is TableDef => o.kind === 'table' && o.name === name)!;
const column = (model: SchemaModel, t: string, c: string) => table(model, t).columns.find((col) => col.name === c)!;

/** Every statement migrate would run for this model's schema, pre-data then post-data, in order. */
function statements(model: SchemaModel): string[] {
  const none = { languages: [], foreignData: [], foreignTables: [], publications: [], eventTriggers: [] };
  const pre = planPreData(model, [], none, ['pglz']).units.flatMap((u) => [...u.create, ...u.settle]);
  const indexes = model.indexes.flatMap((i) => {
    const r = renderIndex(i);
    return [r.build, ...(r.constraint ? [r.constraint] : [])];
  });
  const constraints = model.constraints.flatMap((c) => {
    const r = renderConstraint(c);
    return [r.add, ...(r.validate ? [r.validate] : [])];
  });
  return [...pre, ...indexes, ...constraints];
}

/** Runs the statements one by one on a new PostgreSQL 17 database, failing on the first the server refuses. */
async function applied(model: SchemaModel): Promise<string> {
  const database = await freshDatabase(await testServer(17));
  await withClient(database.url, async (client) => {
    for (const statement of statements(model)) {
      await client.query(statement).catch((error: Error) => assert.fail(`${error.message}\n${statement}`));
    }
  });
  return database.url;
}

/** What the target says a table's columns are, by catalog queries of this test's own. */
async function targetColumns(url: string, relation: string): Promise<Record<string, string>> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ name: string; shape: string }>(
      `SELECT a.attname AS name,
              format_type(a.atttypid, a.atttypmod)
                || CASE a.attidentity WHEN 'd' THEN ' identity' WHEN 'a' THEN ' identity always' ELSE '' END
                || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                || CASE a.attgenerated WHEN 's' THEN ' generated' ELSE '' END
                || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') AS shape
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated = ''
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [relation],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.shape]));
  });
}

describe('the SQLite type mapping', () => {
  it('maps declared types by name first, then by SQLite affinity, and lets a cast rule win', () => {
    const cases: [string, string][] = [
      ['INTEGER', 'bigint'], ['INT', 'bigint'], ['BIGINT', 'bigint'], ['UNSIGNED BIG INT', 'bigint'], ['BOOLEAN', 'boolean'],
      ['bool', 'boolean'], ['DATETIME', 'timestamptz'], ['TIMESTAMP', 'timestamptz'], ['DATE', 'date'], ['TIME', 'time'],
      ['REAL', 'double precision'], ['FLOAT', 'double precision'], ['DOUBLE PRECISION', 'double precision'],
      ['DECIMAL(10,2)', 'numeric(10,2)'], ['NUMERIC ( 7 )', 'numeric(7)'], ['NUMERIC', 'numeric'], ['VARCHAR(40)', 'varchar(40)'],
      ['NVARCHAR(160)', 'varchar(160)'], ['CHARACTER(2)', 'char(2)'], ['CHAR', 'text'], ['TEXT', 'text'], ['CLOB', 'text'],
      ['BLOB', 'bytea'], ['JSON', 'jsonb'], ['UUID', 'uuid'], ['', 'text'], ['VARYING CHARACTER(9)', 'varchar(9)'],
      ['MEDIUMINT', 'bigint'], ['STRING', 'numeric'], ['LONGTEXT', 'text'], ['DECIMAL(5,9)', 'numeric'],
    ];
    assert.deepEqual(cases.map(([d]) => [d, mapSqliteType('t', 'c', d, false).type]), cases);
    assert.equal(mapSqliteType('t', 'c', 'INT', false, { integer: 'integer', timestamp: 'timestamp', casts: [] }).type, 'integer');
    assert.equal(mapSqliteType('t', 'c', 'DATETIME', false, { integer: 'integer', timestamp: 'timestamp', casts: [] }).type, 'timestamp');
    assert.equal(mapSqliteType('t', 'c', 'INTEGER', true, { integer: 'integer', timestamp: 'timestamp', casts: [] }).type, 'bigint');
    const casts = [{ table: 't', column: 'c', type: 'citext' }];
    assert.equal(mapSqliteType('t', 'c', 'TEXT', false, { integer: 'bigint', timestamp: 'timestamptz', casts }).type, 'citext');
    assert.equal(mapSqliteType('t', 'other', 'TEXT', false, { integer: 'bigint', timestamp: 'timestamptz', casts }).type, 'text');
    assert.match(mapSqliteType('t', 'c', 'DECIMAL(5,9)', false).note ?? '', /precision/);
  });

  it('translates the defaults it knows and refuses the rest', () => {
    assert.equal(translateDefault("datetime('now')", 'timestamptz'), 'CURRENT_TIMESTAMP');
    assert.equal(translateDefault('CURRENT_TIMESTAMP', 'text'), "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')");
    assert.equal(translateDefault('0', 'boolean'), 'false');
    assert.equal(translateDefault("'it''s'", 'text'), "'it''s'");
    assert.equal(translateDefault('NULL', 'text'), null);
    assert.equal(translateDefault('random()', 'bigint'), undefined);
    assert.equal(translateDefault("datetime('now','localtime')", 'timestamptz'), undefined);
    assert.equal(translateDefault("'abc'", 'bytea'), undefined);
  });

  it('shortens a name over 63 bytes to a prefix and a hash, the same every time', () => {
    const fitted = fitName(longName);
    assert.ok(Buffer.byteLength(longName) > 63);
    assert.equal(Buffer.byteLength(fitted), 63);
    assert.equal(fitted, fitName(longName));
    assert.notEqual(fitName(`${longName}_2`), fitted);
    assert.ok(Buffer.byteLength(fitName('ä'.repeat(40))) <= 63);
  });
});

describe('reading a SQLite schema', () => {
  const quirkyFile = sqliteFile(quirky);

  it('reads the quirky fixture: identity, composite and WITHOUT ROWID keys, folded names, mapped types and defaults', () => {
    const { model } = read(quirkyFile);
    assert.deepEqual(
      model.objects.map((o) => o.name).sort(),
      ['user', 'line_item', 'order', 'order_pkey', 'settings', fitName(longName), 'recent'].sort(),
    );
    const recent = model.objects.find((o) => o.name === 'recent');
    assert.deepEqual(recent?.kind === 'view' ? recent.query : null, 'SELECT * FROM "public"."order"');
    const id = column(model, 'user', 'id');
    assert.equal(id.type, 'bigint');
    assert.equal(id.identity?.always, false);
    assert.equal(column(model, 'user', 'email').type, 'varchar(255)');
    assert.equal(column(model, 'user', 'is_admin').defaultValue, 'false');
    assert.equal(column(model, 'user', 'display_name').collation, 'pg_catalog."C"');
    assert.equal(column(model, 'order', 'order_id').identity?.sequence.name, 'order_order_id_seq');
    assert.equal(column(model, 'line_item', 'order_id').identity, null, 'a WITHOUT ROWID key is no rowid alias');
    assert.deepEqual(column(model, 'line_item', 'total_cents').generated, { expression: '"qty" * "price_cents"', kind: 'stored' });
    const keys = model.indexes.filter((i) => i.constraint === 'primary key').map((i) => [i.table.name, i.name, i.keyConstraint?.columns]);
    assert.deepEqual(keys.find(([t]) => t === 'line_item'), ['line_item', 'line_item_pkey', ['order_id', 'line_no']]);
    assert.deepEqual(keys.find(([t]) => t === 'settings'), ['settings', 'settings_pkey', ['key']]);
  });

  it('keeps foreign keys with their actions and deferrability, referencing the primary key when no column is named', () => {
    const { model } = read(quirkyFile);
    const line = model.constraints.find((c) => c.name === 'line_order')!;
    assert.deepEqual(line.structure.foreignKey?.referencedColumns, ['order_id']);
    assert.equal(line.structure.foreignKey?.onDelete, 'set null');
    assert.equal(line.structure.deferrable && line.structure.initiallyDeferred, true);
    const order = model.constraints.find((c) => c.table.name === 'order')!;
    assert.deepEqual([order.name, order.structure.foreignKey?.onDelete, order.structure.foreignKey?.onUpdate, order.structure.deferrable], ['order_user_id_fkey', 'cascade', 'restrict', false]);
  });

  it('reports every rename and everything it leaves out', () => {
    const { report, model } = read(quirkyFile);
    assert.ok(report.renames.some((r) => r.kind === 'table' && r.from === longName && r.to === fitName(longName) && r.reason === 'longer than 63 bytes'));
    // The table order_pkey is taken, so "order"'s primary key is named apart.
    assert.ok(report.renames.some((r) => r.kind === 'index' && r.from === 'order_pkey' && r.to === 'order_pkey_2'));
    assert.equal(model.indexes.find((i) => i.table.name === 'order' && i.constraint === 'primary key')?.name, 'order_pkey_2');
    const left = report.notMigrated.map((n) => `${n.object}: ${n.what}`);
    for (const expected of ['column User.nick: COLLATE NOCASE', 'column User.salt: DEFAULT random()', 'table order: CHECK on column note', 'index order_glob: the index', 'trigger order_touch: the trigger']) {
      assert.ok(left.includes(expected), `${expected} in ${JSON.stringify(left)}`);
    }
    assert.equal(left.length, 5, JSON.stringify(left));
    assert.deepEqual(model.leftOut, ['trigger order_touch']);
    assert.deepEqual(model.notCovered, []);
    assert.deepEqual(report.adjusted.map((a) => `${a.object}: ${a.what}`).sort(), ['column line_item.total_cents: GENERATED ALWAYS AS … VIRTUAL', 'index user_nick: COLLATE NOCASE']);
    assert.ok(model.indexes.some((i) => i.name === 'user_nick' && i.structure.keys[0]?.column === 'nick'));
  });

  it('refuses two names that fold to one, naming both', () => {
    const path = sqliteFile('CREATE TABLE "Äpfel" (id INTEGER); CREATE TABLE "äpfel" (id INTEGER);');
    assert.throws(() => read(path), (error: PgferryError) => error.code === 'SQLITE_NAME_COLLISION' && /"Äpfel" and "äpfel"/.test(error.message));
    const columns = sqliteFile('CREATE TABLE t ("Äb" TEXT, "äb" TEXT);');
    assert.throws(() => read(columns), (error: PgferryError) => error.code === 'SQLITE_NAME_COLLISION' && /columns of table t/.test(error.message));
    const kept = read(path, { ...defaultSqliteSchemaOptions, identifiers: 'preserve' });
    assert.deepEqual(kept.model.objects.map((o) => o.name).sort(), ['Äpfel', 'äpfel']);
  });

  it('reads one snapshot: a table created after the read transaction began is not seen', () => {
    const path = sqliteFile('CREATE TABLE first (id INTEGER PRIMARY KEY);');
    const snapshot = openSqliteSnapshot(path);
    try {
      const writer = new Database(path);
      writer.exec('CREATE TABLE second (id INTEGER PRIMARY KEY)');
      writer.close();
      assert.deepEqual(readSqliteSchema(snapshot.db).model.objects.map((o) => o.name), ['first']);
    } finally {
      snapshot.close();
    }
    assert.throws(() => openSqliteSnapshot(join(tmpdir(), 'no-such-pgferry.db')), (e: PgferryError) => e.code === 'SQLITE_READ_FAILED');
  });
});

describe('the model of a SQLite schema, created on PostgreSQL 17', () => {
  it('creates every table, key, index and constraint of the quirky fixture with the mapped types', async () => {
    const { model } = read(sqliteFile(quirky));
    const url = await applied(model);
    const user = await targetColumns(url, 'public.user');
    assert.deepEqual(user, {
      id: 'bigint identity not null',
      email: 'character varying(255) not null',
      display_name: 'character varying(80)',
      nick: 'text',
      is_admin: 'boolean not null default false',
      active: 'boolean default true',
      created_at: 'timestamp with time zone default CURRENT_TIMESTAMP',
      updated_at: 'timestamp with time zone default CURRENT_TIMESTAMP',
      created_text: "text default to_char((CURRENT_TIMESTAMP AT TIME ZONE 'UTC'::text), 'YYYY-MM-DD HH24:MI:SS'::text)",
      birthday: 'date default CURRENT_DATE',
      wake: 'time without time zone',
      score: 'double precision default \'-1.5\'::numeric',
      ratio: 'double precision',
      dbl: 'double precision',
      balance: 'numeric(12,4) default 0',
      amount: 'numeric',
      code: "character(3) default 'a''b'::bpchar",
      bio: 'text',
      avatar: "bytea default '\\x00ff'::bytea",
      prefs: 'jsonb',
      token: 'uuid',
      anything: 'text',
      epoch: 'bigint default (EXTRACT(epoch FROM CURRENT_TIMESTAMP))::bigint',
      small: 'bigint',
      salt: 'text',
    });
    assert.equal((await targetColumns(url, 'public.line_item')).total_cents, 'bigint generated');
    await withClient(url, async (client) => {
      const { rows } = await client.query<{ conname: string; contype: string; def: string }>(
        `SELECT conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint
          WHERE connamespace = 'public'::regnamespace ORDER BY conname`,
      );
      const defs = Object.fromEntries(rows.map((r) => [r.conname, r.def]));
      assert.equal(defs.line_order, 'FOREIGN KEY (order_id) REFERENCES "order"(order_id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED');
      assert.equal(defs.order_user_id_fkey, 'FOREIGN KEY (user_id) REFERENCES "user"(id) ON UPDATE RESTRICT ON DELETE CASCADE');
      assert.equal(defs.status_known, "CHECK ((status = ANY (ARRAY['new'::text, 'paid'::text, 'shipped'::text])))");
      assert.equal(defs.order_total_check, "CHECK ((total >= (0)::numeric))");
      assert.equal(defs.user_check, 'CHECK ((length((email)::text) > 3))');
      assert.equal(defs.order_pkey_2, 'PRIMARY KEY (order_id)');
      assert.equal(defs.user_email_key, 'UNIQUE (email)');
      const indexes = await client.query<{ def: string }>(`SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'public."order"'::regclass ORDER BY 1`);
      assert.ok(indexes.rows.some((r) => r.def === 'CREATE INDEX order_open ON public."order" USING btree (user_id) WHERE (status <> \'shipped\'::text)'), JSON.stringify(indexes.rows));
      assert.ok(indexes.rows.some((r) => r.def === 'CREATE INDEX order_lower_status ON public."order" USING btree (lower(status), total DESC)'), JSON.stringify(indexes.rows));
      // The translated defaults work: a row takes them, CURRENT_TIMESTAMP as text keeps SQLite's shape.
      const row = await client.query(`INSERT INTO "user" (email) VALUES ('a@b.example') RETURNING id, is_admin, created_text, epoch`);
      assert.equal(row.rows[0].id, '1');
      assert.equal(row.rows[0].is_admin, false);
      assert.match(row.rows[0].created_text, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    });
  });

  it('creates Chinook with its keys, numeric(10,2) and varchar lengths', async () => {
    const { model, report } = read(chinook);
    assert.deepEqual(report, { renames: [], notMigrated: [], adjusted: [] });
    assert.equal(model.objects.length, 11);
    assert.equal(model.constraints.length, 11);
    const url = await applied(model);
    const invoice = await targetColumns(url, 'public.invoice');
    assert.equal(invoice.invoiceid, 'bigint identity not null');
    assert.equal(invoice.total, 'numeric(10,2) not null');
    assert.equal(invoice.invoicedate, 'timestamp with time zone not null');
    assert.equal((await targetColumns(url, 'public.customer')).city, 'character varying(40)');
    assert.equal((await targetColumns(url, 'public.playlisttrack')).trackid, 'bigint not null');
    await withClient(url, async (client) => {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype = 'f' AND convalidated`);
      assert.equal(rows[0].n, 11);
      const pk = await client.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'public.playlisttrack'::regclass AND contype = 'p'`);
      assert.equal(pk.rows[0].def, 'PRIMARY KEY (playlistid, trackid)');
    });
  });
});
