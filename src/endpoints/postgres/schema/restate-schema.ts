/**
 * Has this server deparse another server's SQL fragments, so definitions compare by meaning and not by one major's
 * formatting: each fragment is given to a temporary object (view, table, index, policy, trigger, domain) inside a
 * transaction that is rolled back, and read back with the same pg_get_* functions the schema reader uses.
 */
import type { SchemaModel } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { statementsPerTransaction } from '../../../model/ddl/statements-per-transaction.js';
import { trySavepoint } from '../savepoint.js';
import { serverErrorFields } from '../server-error.js';
import { planRestate, restatedModel, type RestateGroup } from './restate-plan.js';
import { requoteIdentifiers } from '../../../model/ddl/minimal-quoting.js';
import { readQuotedKeywords } from '../queries/quoted-keywords.js';


/** The deparsed fragments of every temporary object this session holds, keyed as RestateRead.at. */
export async function readTemporaryDeparses(session: Session): Promise<Map<string, string>> {
  const rows = await runQuery<{ at: string; text: string }>(
    session,
    'definitions restated by the target',
    `SELECT 'view|' || c.relname || '|' AS at, rtrim(pg_get_viewdef(c.oid), '; ' || chr(10)) AS text
       FROM pg_class c WHERE c.relnamespace = pg_my_temp_schema() AND c.relkind = 'v'
     UNION ALL
     SELECT 'default|' || c.relname || '|' || a.attname, pg_get_expr(d.adbin, d.adrelid)
       FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
       JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
      WHERE c.relnamespace = pg_my_temp_schema()
     UNION ALL
     SELECT 'constraint|' || coalesce(c.relname, t.typname) || '|' || k.conname, pg_get_constraintdef(k.oid)
       FROM pg_constraint k LEFT JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_type t ON t.oid = k.contypid
      WHERE k.connamespace = pg_my_temp_schema() AND k.contype IN ('c', 'x')
     UNION ALL
     SELECT 'domain default|' || t.typname || '|', t.typdefault
       FROM pg_type t WHERE t.typnamespace = pg_my_temp_schema() AND t.typtype = 'd' AND t.typdefault IS NOT NULL
     UNION ALL
     SELECT 'index|' || t.relname || '|' || c.relname, pg_get_indexdef(c.oid)
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      WHERE c.relnamespace = pg_my_temp_schema()
     UNION ALL
     SELECT 'using|' || c.relname || '|' || p.polname, pg_get_expr(p.polqual, p.polrelid)
       FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = pg_my_temp_schema() AND p.polqual IS NOT NULL
     UNION ALL
     SELECT 'with check|' || c.relname || '|' || p.polname, pg_get_expr(p.polwithcheck, p.polrelid)
       FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = pg_my_temp_schema() AND p.polwithcheck IS NOT NULL
     UNION ALL
     SELECT 'trigger|' || c.relname || '|' || tg.tgname, pg_get_triggerdef(tg.oid)
       FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid WHERE c.relnamespace = pg_my_temp_schema() AND NOT tg.tgisinternal`,
  );
  return new Map(rows.map((r) => [r.at, r.text]));
}

/** Thrown when the server ran out of a resource (SQLSTATE class 53, e.g. its lock table): the slice is retried smaller. */
class SliceTooBig extends Error {}

/** Runs `sql` inside a savepoint; false (and nothing of it kept) when the server refuses it. */
async function attempt(session: Session, sql: string): Promise<boolean> {
  const refusal = await trySavepoint(session, () => session.client.query(sql));
  // Out of lock slots says nothing about the fragment: a refused fragment would keep the source's text and show as a false difference.
  if (refusal && /^53/.test(serverErrorFields(refusal).sqlState ?? '')) throw new SliceTooBig(refusal.message);
  return refusal === undefined;
}

/** Creates a slice's temporary objects (all at once, else group by group, else statement by statement) and reads them. */
async function restateSlice(session: Session, slice: readonly RestateGroup[], texts: Map<string, string>): Promise<void> {
  await runQuery(session, 'a transaction to restate definitions in', 'BEGIN');
  try {
    // search_path as the schema reader has it (fully qualified names); a lock wait must not hang verify.
    await runQuery(session, 'restate settings', "SELECT pg_catalog.set_config('search_path', '', true), pg_catalog.set_config('lock_timeout', '5s', true)");
    if (!(await attempt(session, slice.flatMap((g) => g.statements).join(';\n')))) {
      for (const group of slice) {
        if (await attempt(session, group.statements.join(';\n'))) continue;
        // A fragment the target cannot parse keeps the source's text, so it is reported as different, never as equal.
        for (const statement of group.statements) await attempt(session, statement);
      }
    }
    const deparsed = await readTemporaryDeparses(session);
    for (const read of slice.flatMap((g) => g.reads)) {
      const text = deparsed.get(read.at);
      if (text !== undefined) texts.set(read.key, read.unname ? read.unname(text) : text);
    }
  } finally {
    await session.client.query('ROLLBACK').catch(() => undefined);
  }
}

/** Whether this session may create temporary objects at all (not on a standby, not without TEMP on the database). */
async function canCreateTemporary(session: Session): Promise<boolean> {
  await runQuery(session, 'a transaction to restate definitions in', 'BEGIN');
  try {
    return await attempt(session, 'CREATE TEMPORARY TABLE pgferry_probe ()');
  } finally {
    await session.client.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * `model` (read from another server) with its deparsed fragments as this server prints them. Where the server
 * cannot create temporary objects the model comes back as it is, and fragments compare as each server printed them.
 */
export async function restateSchema(session: Session, model: SchemaModel): Promise<SchemaModel> {
  if (!(await canCreateTemporary(session))) return model;
  const groups = planRestate(model);
  const texts = new Map<string, string>();
  // Each temporary object holds locks until the slice's transaction ends: a server with a small lock table gets smaller slices.
  let perSlice = statementsPerTransaction;
  for (let start = 0; start < groups.length; ) {
    let end = start;
    for (let statements = 0; end < groups.length && (end === start || statements + groups[end]!.statements.length <= perSlice); end++) {
      statements += groups[end]!.statements.length;
    }
    try {
      await restateSlice(session, groups.slice(start, end), texts);
    } catch (error) {
      if (!(error instanceof SliceTooBig) || end - start === 1) throw error;
      perSlice = Math.max(1, Math.floor(perSlice / 2));
      continue;
    }
    start = end;
  }
  return requoteKeyDefinitions(restatedModel(model, texts), await readQuotedKeywords(session));
}

/**
 * Keys and index heads name columns and tables only, so the server has nothing to deparse in them; a model another
 * tool rendered (always quoting, as a SQLite source's is) gets the server's quoting. Re-quoting a server's own text
 * changes nothing.
 */
function requoteKeyDefinitions(model: SchemaModel, keywords: ReadonlySet<string>): SchemaModel {
  const requote = (text: string) => requoteIdentifiers(text, keywords);
  const head = (definition: string) => {
    const at = definition.indexOf(' USING ');
    return at < 0 ? definition : requote(definition.slice(0, at)) + definition.slice(at);
  };
  const isKey = (kind: string | null) => kind === 'primary key' || kind === 'unique' || kind === 'foreign key';
  return {
    ...model,
    indexes: model.indexes.map((i) =>
      isKey(i.constraint) ? { ...i, definition: requote(i.definition), indexDefinition: requote(i.indexDefinition) } : { ...i, definition: head(i.definition), indexDefinition: head(i.indexDefinition) },
    ),
    constraints: model.constraints.map((c) => (isKey(c.kind) ? { ...c, definition: requote(c.definition) } : c)),
  };
}
