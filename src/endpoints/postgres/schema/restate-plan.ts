/**
 * Pure: the temporary objects that make a server deparse another server's SQL fragments (view queries, defaults,
 * generated expressions, checks, index definitions, policy expressions, trigger definitions with WHEN), and the
 * model rebuilt from what it printed.
 */
import type { ColumnDef, PreDataObject, SchemaModel } from '../../../model/schema-model.js';
import { qualifiedName, quoteIdent } from '../sql.js';

/** A fragment's deparse, read back from a temporary object, and how it becomes the model's text again. */
export interface RestateRead {
  /** Where the deparse is found: "<kind>|<temporary relation or type>|<column, constraint, index, policy or trigger>". */
  readonly at: string;
  /** Which fragment of the model it replaces (see `restatedModel`). */
  readonly key: string;
  /** Puts the real object's names back where the temporary ones were printed. */
  readonly unname?: (deparsed: string) => string;
}

/** Statements that run together: the first creates what the others need (a temporary table), so one failing stops them. */
export interface RestateGroup {
  readonly statements: readonly string[];
  readonly reads: readonly RestateRead[];
}

const ident = '(?:[^\\s".]+|"(?:[^"]|"")*")';
const indexHead = new RegExp(`^(CREATE (UNIQUE )?INDEX ${ident} ON (?:ONLY )?${ident}\\.${ident}) USING `);
const triggerHead = new RegExp(`^(CREATE (?:CONSTRAINT )?TRIGGER ${ident} .*? ON )(${ident}\\.${ident}) `);
const tempTable = / ON pg_temp(?:_\d+)?\.pgferry_t\d+ /;

const tableKey = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;

/** Splits `CREATE INDEX name ON table USING …` so the same index can be built on a temporary table, and named back. */
function indexProbe(definition: string, tempIndex: string, table: string): { sql: string; unname: (d: string) => string } | null {
  const head = indexHead.exec(definition);
  if (!head) return null;
  return {
    sql: `CREATE ${head[2] ?? ''}INDEX ${tempIndex} ON pg_temp.${table}${definition.slice(head[1]!.length)}`,
    unname: (deparsed) => head[1]! + deparsed.slice(deparsed.indexOf(' USING ')),
  };
}

export function planRestate(model: SchemaModel): RestateGroup[] {
  const groups: RestateGroup[] = [];
  const tables = new Map<string, { temp: string; statements: string[]; reads: RestateRead[] }>();
  let counter = 0;
  const next = (prefix: string) => `pgferry_${prefix}${++counter}`;
  const onTable = (table: { schema: string; name: string }) => {
    let group = tables.get(tableKey(table));
    if (!group) {
      const temp = next('t');
      group = { temp, statements: [`CREATE TEMPORARY TABLE ${temp} (LIKE ${qualifiedName(table.schema, table.name)})`], reads: [] };
      tables.set(tableKey(table), group);
    }
    return group;
  };

  for (const object of model.objects) {
    if (object.kind === 'view') {
      const temp = next('v');
      groups.push({ statements: [`CREATE TEMPORARY VIEW ${temp} AS\n${object.query}`], reads: [{ at: `view|${temp}|`, key: `view ${tableKey(object)}` }] });
    } else if (object.kind === 'type' && object.variant === 'domain' && (object.defaultValue !== null || object.checks.length > 0)) {
      const temp = next('d');
      const checks = object.checks.filter((c) => c.validated).map((c) => ({ ...c, temp: next('c') }));
      const sql = [
        `CREATE DOMAIN pg_temp.${temp} AS ${object.baseType}`,
        object.defaultValue !== null ? `DEFAULT ${object.defaultValue}` : '',
        ...checks.map((c) => `CONSTRAINT ${c.temp} ${c.definition}`),
      ];
      const reads = checks.map((c) => ({ at: `constraint|${temp}|${c.temp}`, key: `domain check ${tableKey(object)}.${c.name}` }));
      if (object.defaultValue !== null) reads.push({ at: `domain default|${temp}|`, key: `domain default ${tableKey(object)}` });
      groups.push({ statements: [sql.filter(Boolean).join(' ')], reads });
    } else if (object.kind === 'table') {
      for (const column of object.columns) {
        if (column.defaultValue === null && column.generated === null) continue;
        const group = onTable(object);
        const key = `${tableKey(object)}.${column.name}`;
        if (column.defaultValue !== null) {
          group.statements.push(`ALTER TABLE pg_temp.${group.temp} ALTER COLUMN ${quoteIdent(column.name)} SET DEFAULT ${column.defaultValue}`);
          group.reads.push({ at: `default|${group.temp}|${column.name}`, key: `default ${key}` });
        }
        if (column.generated !== null) {
          const temp = next('g');
          group.statements.push(`ALTER TABLE pg_temp.${group.temp} ADD COLUMN ${temp} ${column.type} GENERATED ALWAYS AS (${column.generated.expression}) ${column.generated.kind.toUpperCase()}`);
          group.reads.push({ at: `default|${group.temp}|${temp}`, key: `generated ${key}` });
        }
      }
      for (const check of object.checks) {
        const group = onTable(object);
        const temp = next('c');
        group.statements.push(`ALTER TABLE pg_temp.${group.temp} ADD CONSTRAINT ${temp} ${check.definition}`);
        group.reads.push({ at: `constraint|${group.temp}|${temp}`, key: `check ${tableKey(object)}.${check.name}` });
      }
    }
  }
  for (const constraint of model.constraints.filter((c) => c.kind === 'check')) {
    const group = onTable(constraint.table);
    const temp = next('c');
    group.statements.push(`ALTER TABLE pg_temp.${group.temp} ADD CONSTRAINT ${temp} ${constraint.definition}`);
    group.reads.push({ at: `constraint|${group.temp}|${temp}`, key: `constraint ${tableKey(constraint.table)}.${constraint.name}` });
  }
  for (const index of model.indexes) {
    // Primary keys and unique constraints name columns only: nothing in them is deparsed from an expression.
    if (index.constraint === 'primary key' || index.constraint === 'unique') continue;
    const group = onTable(index.table);
    const key = `${tableKey(index.table)}.${index.name}`;
    const temp = next(index.constraint === 'exclusion' ? 'c' : 'i');
    const probe = indexProbe(index.indexDefinition, temp, group.temp);
    if (index.constraint === 'exclusion') {
      group.statements.push(`ALTER TABLE pg_temp.${group.temp} ADD CONSTRAINT ${temp} ${index.definition}`);
      group.reads.push({ at: `constraint|${group.temp}|${temp}`, key: `index ${key}` });
    } else if (probe) {
      group.statements.push(probe.sql);
      group.reads.push({ at: `index|${group.temp}|${temp}`, key: `index ${key}`, unname: probe.unname });
    }
    if (probe) group.reads.push({ at: `index|${group.temp}|${temp}`, key: `index definition ${key}`, unname: probe.unname });
  }
  for (const policy of model.policies) {
    const group = onTable(policy.table);
    const clauses = [policy.using !== null ? `USING (${policy.using})` : '', policy.withCheck !== null ? `WITH CHECK (${policy.withCheck})` : ''];
    group.statements.push(`CREATE POLICY ${quoteIdent(policy.name)} ON pg_temp.${group.temp} FOR ${policy.command} ${clauses.filter(Boolean).join(' ')}`);
    const key = `${tableKey(policy.table)}.${policy.name}`;
    if (policy.using !== null) group.reads.push({ at: `using|${group.temp}|${policy.name}`, key: `using ${key}` });
    if (policy.withCheck !== null) group.reads.push({ at: `with check|${group.temp}|${policy.name}`, key: `with check ${key}` });
  }
  // Only a WHEN clause is deparsed from an expression; the rest of a trigger's definition reads the same on every major.
  for (const trigger of model.triggers.filter((t) => / WHEN \(/.test(t.definition))) {
    const head = triggerHead.exec(trigger.definition);
    if (!head) continue;
    const group = onTable(trigger.table);
    group.statements.push(`${head[1]}pg_temp.${group.temp} ${trigger.definition.slice(head[0].length)}`);
    const unname = (deparsed: string) => deparsed.replace(tempTable, () => ` ON ${head[2]} `);
    group.reads.push({ at: `trigger|${group.temp}|${trigger.name}`, key: `trigger ${tableKey(trigger.table)}.${trigger.name}`, unname });
  }
  return [...groups, ...[...tables.values()].map(({ statements, reads }) => ({ statements, reads }))];
}

/** `model` with each fragment replaced by its restatement in `texts` (by key); fragments without one stay as they are. */
export function restatedModel(model: SchemaModel, texts: ReadonlyMap<string, string>): SchemaModel {
  const get = (key: string, original: string) => texts.get(key) ?? original;
  const column = (table: string, c: ColumnDef): ColumnDef => ({
    ...c,
    defaultValue: c.defaultValue === null ? null : get(`default ${table}.${c.name}`, c.defaultValue),
    generated: c.generated === null ? null : { ...c.generated, expression: get(`generated ${table}.${c.name}`, c.generated.expression) },
  });
  const object = (o: PreDataObject): PreDataObject => {
    const name = tableKey(o);
    if (o.kind === 'view') return { ...o, query: get(`view ${name}`, o.query) };
    if (o.kind === 'table') {
      return { ...o, columns: o.columns.map((c) => column(name, c)), checks: o.checks.map((c) => ({ ...c, definition: get(`check ${name}.${c.name}`, c.definition) })) };
    }
    if (o.kind === 'type' && o.variant === 'domain') {
      return {
        ...o,
        defaultValue: o.defaultValue === null ? null : get(`domain default ${name}`, o.defaultValue),
        checks: o.checks.map((c) => ({ ...c, definition: get(`domain check ${name}.${c.name}`, c.definition) })),
      };
    }
    return o;
  };
  return {
    ...model,
    objects: model.objects.map(object),
    constraints: model.constraints.map((c) => ({ ...c, definition: get(`constraint ${tableKey(c.table)}.${c.name}`, c.definition) })),
    indexes: model.indexes.map((i) => {
      const key = `${tableKey(i.table)}.${i.name}`;
      return { ...i, definition: get(`index ${key}`, i.definition), indexDefinition: get(`index definition ${key}`, i.indexDefinition) };
    }),
    policies: model.policies.map((p) => {
      const key = `${tableKey(p.table)}.${p.name}`;
      return { ...p, using: p.using === null ? null : get(`using ${key}`, p.using), withCheck: p.withCheck === null ? null : get(`with check ${key}`, p.withCheck) };
    }),
    triggers: model.triggers.map((t) => ({ ...t, definition: get(`trigger ${tableKey(t.table)}.${t.name}`, t.definition) })),
  };
}
