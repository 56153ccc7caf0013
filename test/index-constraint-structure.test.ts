import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { readConstraints } from '../src/endpoints/postgres/schema/read-constraints.js';
import { readIndexes } from '../src/endpoints/postgres/schema/read-indexes.js';
import type { ConstraintDef, IndexDef } from '../src/model/schema-model.js';
import { freshDatabase, testServer } from './harness/servers.js';

const fixture = (major: number) => `
CREATE SCHEMA s;
CREATE TABLE s.parent (a integer, b integer, PRIMARY KEY (a, b));
CREATE TABLE s.t (
  id integer PRIMARY KEY, name text, code text, during tsrange, pa integer, pb integer, note text,
  CONSTRAINT t_no_overlap EXCLUDE USING gist (during WITH &&, tsrange(lower(during), upper(during)) WITH -|-) WHERE (id > 0),
  CONSTRAINT t_parent FOREIGN KEY (pa, pb) REFERENCES s.parent (a, b) MATCH FULL ON UPDATE CASCADE ON DELETE SET NULL
    DEFERRABLE INITIALLY DEFERRED);
ALTER TABLE s.t ADD CONSTRAINT t_note CHECK (length(note) < 100) NO INHERIT NOT VALID;
CREATE INDEX t_expr ON s.t (lower(name) text_pattern_ops DESC NULLS LAST, code COLLATE "C", pa DESC)
  INCLUDE (note, pb) WITH (fillfactor = 70) WHERE id > 10;
${major >= 15 ? `CREATE UNIQUE INDEX t_code ON s.t (code) NULLS NOT DISTINCT;
ALTER TABLE s.t ADD CONSTRAINT t_set_some FOREIGN KEY (pa, pb) REFERENCES s.parent ON DELETE SET NULL (pb);` : ''}
`;

async function readModel(url: string): Promise<{ indexes: IndexDef[]; constraints: ConstraintDef[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT set_config('search_path', '', false)");
    const session = { client, label: 'source' };
    return { indexes: await readIndexes(session), constraints: await readConstraints(session) };
  } finally {
    await client.end();
  }
}

for (const major of [14, 17]) {
  describe(`index and constraint structure on PostgreSQL ${major}`, () => {
    const read = (async () => readModel((await freshDatabase(await testServer(major), fixture(major))).url))();
    const index = async (name: string) => (await read).indexes.find((i) => i.name === name)!;
    const constraint = async (name: string) => (await read).constraints.find((c) => c.name === name)!;

    it('reads a partial expression index with an operator class, a collation, orders, INCLUDE and storage options', async () => {
      const { structure, keyConstraint, constraint: kind } = await index('t_expr');
      assert.equal(kind, null);
      assert.equal(keyConstraint, null);
      assert.deepEqual(structure, {
        unique: false,
        primary: false,
        method: 'btree',
        keys: [
          { column: null, expression: 'lower(name)', opclass: 'pg_catalog.text_pattern_ops', opclassOptions: [], collation: null, descending: true, nulls: 'last' },
          { column: 'code', expression: null, opclass: null, opclassOptions: [], collation: 'pg_catalog."C"', descending: false, nulls: null },
          { column: 'pa', expression: null, opclass: null, opclassOptions: [], collation: null, descending: true, nulls: null },
        ],
        include: ['note', 'pb'],
        predicate: 'id > 10',
        options: ['fillfactor=70'],
        tablespace: null,
        nullsNotDistinct: false,
        valid: true,
      });
    });

    it('reads a primary key as a unique, primary index backing its constraint', async () => {
      const pkey = await index('t_pkey');
      assert.equal(pkey.structure.primary, true);
      assert.equal(pkey.structure.unique, true);
      assert.deepEqual(pkey.structure.keys.map((k) => k.column), ['id']);
      assert.equal(pkey.keyConstraint?.kind, 'primary key');
      assert.deepEqual(pkey.keyConstraint?.columns, ['id']);
      assert.equal(pkey.keyConstraint?.deferrable, false);
    });

    it('reads an exclusion constraint: its elements, operators, method and predicate', async () => {
      const exclusion = await index('t_no_overlap');
      assert.equal(exclusion.structure.method, 'gist');
      assert.equal(exclusion.structure.predicate, 'id > 0');
      assert.equal(exclusion.keyConstraint?.kind, 'exclusion');
      assert.deepEqual(exclusion.keyConstraint?.exclusion, [
        { element: 'during', operator: 'pg_catalog.&&' },
        { element: 'tsrange(lower(during), upper(during))', operator: 'pg_catalog.-|-' },
      ]);
      assert.deepEqual(exclusion.structure.keys.map((k) => k.column), ['during', null]);
    });

    it('reads a deferrable foreign key with MATCH FULL and its actions', async () => {
      const fk = await constraint('t_parent');
      assert.equal(fk.kind, 'foreign key');
      assert.deepEqual(fk.structure, {
        kind: 'foreign key',
        columns: ['pa', 'pb'],
        deferrable: true,
        initiallyDeferred: true,
        validated: true,
        noInherit: false,
        checkExpression: null,
        foreignKey: {
          references: { schema: 's', name: 'parent' },
          referencedColumns: ['a', 'b'],
          onUpdate: 'cascade',
          onDelete: 'set null',
          onDeleteColumns: [],
          match: 'full',
        },
        exclusion: null,
      });
    });

    it('reads a NOT VALID, NO INHERIT check with its expression', async () => {
      const check = await constraint('t_note');
      assert.equal(check.structure.kind, 'check');
      assert.equal(check.structure.validated, false);
      assert.equal(check.structure.noInherit, true);
      assert.equal(check.structure.checkExpression, 'length(note) < 100');
      assert.deepEqual(check.structure.columns, ['note']);
    });

    if (major >= 15) {
      it('reads NULLS NOT DISTINCT and ON DELETE SET NULL of some columns', async () => {
        const unique = await index('t_code');
        assert.equal(unique.structure.unique, true);
        assert.equal(unique.structure.nullsNotDistinct, true);
        const fk = await constraint('t_set_some');
        assert.deepEqual(fk.structure.foreignKey?.onDeleteColumns, ['pb']);
        assert.equal(fk.structure.foreignKey?.match, 'simple');
      });
    }
  });
}
