/**
 * Pure: the statements that recreate each server-level object (language, foreign data, publication, event
 * trigger), as one unit a target may refuse: `create` is applied whole or not at all, `settle` (owner, grants,
 * comments) one statement at a time. `needs` names the units it cannot exist without.
 */
import { qualifiedName, quoteIdent, quoteLiteral } from '../../endpoints/postgres/sql.js';
import type { CommentDef } from '../schema-model.js';
import type {
  EventTriggerDef,
  ForeignDataWrapperDef,
  ForeignServerDef,
  ForeignTableDef,
  LanguageDef,
  PublicationDef,
  UserMappingDef,
} from '../server-objects.js';
import { renderComment } from './render-post-data.js';
import { renderSecurable, type RoleResolver } from './render-privileges.js';
import type { SchemaUnit } from './schema-unit.js';

/** A unit a target may refuse: `refusable` is always true. */
export type RefusableObject = SchemaUnit;

/** OPTIONS (a 'x', b 'y') from "a=x" entries, or nothing. */
function renderOptions(options: readonly string[]): string {
  if (options.length === 0) return '';
  const pairs = options.map((o) => {
    const at = o.indexOf('=');
    return `${quoteIdent(o.slice(0, at))} ${quoteLiteral(o.slice(at + 1))}`;
  });
  return ` OPTIONS (${pairs.join(', ')})`;
}

function comment(target: string, text: string | null): string[] {
  return text === null ? [] : [renderComment({ target, text } satisfies CommentDef)];
}

export function languageId(name: string): string {
  return `language ${name}`;
}

export function renderLanguage(language: LanguageDef, resolve: RoleResolver): RefusableObject {
  const name = quoteIdent(language.name);
  const create = [
    `CREATE ${language.trusted ? 'TRUSTED ' : ''}LANGUAGE ${name} HANDLER ${language.handler}`,
    language.inline ? `INLINE ${language.inline}` : '',
    language.validator ? `VALIDATOR ${language.validator}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const securable = { ownerClause: `LANGUAGE ${name}`, grantClause: `LANGUAGE ${name}`, owner: language.owner, grants: language.grants };
  return { id: languageId(language.name), create: [create], settle: [...renderSecurable(securable, resolve), ...comment(`LANGUAGE ${name}`, language.comment)], needs: [], refusable: true };
}

export function renderForeignDataWrapper(wrapper: ForeignDataWrapperDef, resolve: RoleResolver): RefusableObject {
  const name = quoteIdent(wrapper.name);
  const create = `CREATE FOREIGN DATA WRAPPER ${name} ${wrapper.handler ? `HANDLER ${wrapper.handler}` : 'NO HANDLER'} ${wrapper.validator ? `VALIDATOR ${wrapper.validator}` : 'NO VALIDATOR'}${renderOptions(wrapper.options)}`;
  const clause = `FOREIGN DATA WRAPPER ${name}`;
  const securable = { ownerClause: clause, grantClause: clause, owner: wrapper.owner, grants: wrapper.grants };
  return { id: `foreign-data wrapper ${wrapper.name}`, create: [create], settle: [...renderSecurable(securable, resolve), ...comment(clause, wrapper.comment)], needs: [], refusable: true };
}

/** `wrapperIds` holds the ids of the wrappers migrated here; a server on an extension's wrapper needs none of them. */
export function renderForeignServer(server: ForeignServerDef, resolve: RoleResolver, wrapperIds: ReadonlySet<string>): RefusableObject {
  const name = quoteIdent(server.name);
  const create = [
    `CREATE SERVER ${name}`,
    server.type !== null ? `TYPE ${quoteLiteral(server.type)}` : '',
    server.version !== null ? `VERSION ${quoteLiteral(server.version)}` : '',
    `FOREIGN DATA WRAPPER ${quoteIdent(server.wrapper)}${renderOptions(server.options)}`,
  ]
    .filter(Boolean)
    .join(' ');
  const securable = { ownerClause: `SERVER ${name}`, grantClause: `FOREIGN SERVER ${name}`, owner: server.owner, grants: server.grants };
  const wrapper = `foreign-data wrapper ${server.wrapper}`;
  return {
    id: `foreign server ${server.name}`,
    create: [create],
    settle: [...renderSecurable(securable, resolve), ...comment(`SERVER ${name}`, server.comment)],
    needs: wrapperIds.has(wrapper) ? [wrapper] : [],
    refusable: true,
  };
}

export function userMappingId(mapping: UserMappingDef): string {
  return `user mapping for ${mapping.user ?? 'PUBLIC'} server ${mapping.server}`;
}

/** null when the mapped role has no counterpart on the target. */
export function renderUserMapping(mapping: UserMappingDef, resolve: RoleResolver): RefusableObject | null {
  const user = mapping.user === null ? 'PUBLIC' : resolve(mapping.user);
  if (user === null) return null;
  const create = `CREATE USER MAPPING FOR ${user === 'PUBLIC' ? 'PUBLIC' : quoteIdent(user)} SERVER ${quoteIdent(mapping.server)}${renderOptions(mapping.options)}`;
  return { id: userMappingId(mapping), create: [create], settle: [], needs: [`foreign server ${mapping.server}`], refusable: true };
}

export function renderForeignTable(table: ForeignTableDef, resolve: RoleResolver): RefusableObject {
  const name = qualifiedName(table.schema, table.name);
  const columns = table.columns.map((c) =>
    [
      `  ${quoteIdent(c.name)} ${c.type}`,
      renderOptions(c.options).trimStart(),
      c.collation ? `COLLATE ${c.collation}` : '',
      c.notNull ? 'NOT NULL' : '',
      c.defaultValue !== null ? `DEFAULT ${c.defaultValue}` : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
  const create = `CREATE FOREIGN TABLE ${name} (\n${columns.join(',\n')}\n) SERVER ${quoteIdent(table.server)}${renderOptions(table.options)}`;
  const securable = { ownerClause: `FOREIGN TABLE ${name}`, grantClause: `TABLE ${name}`, owner: table.owner, grants: table.grants };
  const comments = [
    ...comment(`FOREIGN TABLE ${name}`, table.comment),
    ...table.columns.flatMap((c) => comment(`COLUMN ${name}.${quoteIdent(c.name)}`, c.comment)),
  ];
  return { id: `foreign table ${table.schema}.${table.name}`, create: [create], settle: [...renderSecurable(securable, resolve), ...comments], needs: [`foreign server ${table.server}`], refusable: true };
}

function renderPublicationTargets(publication: PublicationDef): string {
  if (publication.allTables) return ' FOR ALL TABLES';
  const tables = publication.tables.map(
    (t) =>
      `TABLE ONLY ${qualifiedName(t.schema, t.name)}${t.columns ? ` (${t.columns.map(quoteIdent).join(', ')})` : ''}${t.rowFilter !== null ? ` WHERE (${t.rowFilter})` : ''}`,
  );
  const schemas = publication.schemas.map((s) => `TABLES IN SCHEMA ${quoteIdent(s)}`);
  const targets = [...tables, ...schemas];
  return targets.length > 0 ? ` FOR ${targets.join(', ')}` : '';
}

export function renderPublication(publication: PublicationDef, resolve: RoleResolver): RefusableObject {
  const name = quoteIdent(publication.name);
  const options = `WITH (publish = ${quoteLiteral(publication.publish.join(', '))}, publish_via_partition_root = ${publication.viaPartitionRoot})`;
  const owner = resolve(publication.owner);
  return {
    id: `publication ${publication.name}`,
    create: [`CREATE PUBLICATION ${name}${renderPublicationTargets(publication)} ${options}`],
    settle: [...(owner ? [`ALTER PUBLICATION ${name} OWNER TO ${quoteIdent(owner)}`] : []), ...comment(`PUBLICATION ${name}`, publication.comment)],
    needs: [],
    refusable: true,
  };
}

const eventTriggerStates: Record<EventTriggerDef['enabled'], string | null> = { O: null, D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' };

export function renderEventTrigger(trigger: EventTriggerDef, resolve: RoleResolver): RefusableObject {
  const name = quoteIdent(trigger.name);
  const when = trigger.tags ? ` WHEN TAG IN (${trigger.tags.map(quoteLiteral).join(', ')})` : '';
  const state = eventTriggerStates[trigger.enabled];
  const owner = resolve(trigger.owner);
  return {
    id: `event trigger ${trigger.name}`,
    create: [`CREATE EVENT TRIGGER ${name} ON ${quoteIdent(trigger.event)}${when} EXECUTE FUNCTION ${trigger.function}()`, ...(state ? [`ALTER EVENT TRIGGER ${name} ${state}`] : [])],
    settle: [...(owner ? [`ALTER EVENT TRIGGER ${name} OWNER TO ${quoteIdent(owner)}`] : []), ...comment(`EVENT TRIGGER ${name}`, trigger.comment)],
    needs: [],
    refusable: true,
  };
}
