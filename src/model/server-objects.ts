/**
 * Objects that live beside the schemas rather than in them, and that a managed target's owner may not create:
 * procedural languages, foreign-data wrappers, foreign servers, user mappings, foreign tables, publications and
 * event triggers. Options are "name=value" as the catalogs store them.
 */
import type { Grant } from './schema-model.js';

interface ServerLevelObject {
  readonly name: string;
  readonly owner: string;
  readonly grants: readonly Grant[] | null;
  readonly comment: string | null;
}

export interface LanguageDef extends ServerLevelObject {
  readonly trusted: boolean;
  /** Qualified function names (no arguments), as CREATE LANGUAGE names them. */
  readonly handler: string;
  readonly inline: string | null;
  readonly validator: string | null;
}

export interface ForeignDataWrapperDef extends ServerLevelObject {
  readonly handler: string | null;
  readonly validator: string | null;
  readonly options: readonly string[];
}

export interface ForeignServerDef extends ServerLevelObject {
  readonly wrapper: string;
  readonly type: string | null;
  readonly version: string | null;
  /** Without the options that hold a secret (secret-options.ts), which are never carried. */
  readonly options: readonly string[];
  /** The names of the source's secret options that were left out. Not compared by verify. */
  readonly droppedOptions: readonly string[];
}

export interface UserMappingDef {
  readonly server: string;
  /** null: the mapping FOR PUBLIC. */
  readonly user: string | null;
  /** Without the options that hold a secret (password and the like: secret-options.ts), which are never carried. */
  readonly options: readonly string[];
  /** The names of the source's secret options that were left out. Not compared by verify. */
  readonly droppedOptions: readonly string[];
}

export interface ForeignColumnDef {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  readonly defaultValue: string | null;
  readonly collation: string | null;
  readonly options: readonly string[];
  readonly comment: string | null;
}

export interface ForeignTableDef extends ServerLevelObject {
  /** Endpoint-local, as a pre-data object's: orders it among them by dependency. */
  readonly key: string;
  readonly schema: string;
  readonly server: string;
  readonly columns: readonly ForeignColumnDef[];
  readonly options: readonly string[];
}

export interface PublishedTable {
  readonly schema: string;
  readonly name: string;
  /** A column list (15+); null: every column. */
  readonly columns: readonly string[] | null;
  /** A row filter (15+), as the server prints it. */
  readonly rowFilter: string | null;
}

export interface PublicationDef {
  readonly name: string;
  readonly owner: string;
  readonly comment: string | null;
  readonly allTables: boolean;
  readonly tables: readonly PublishedTable[];
  /** FOR TABLES IN SCHEMA (15+). */
  readonly schemas: readonly string[];
  readonly publish: readonly ('insert' | 'update' | 'delete' | 'truncate')[];
  readonly viaPartitionRoot: boolean;
}

export interface EventTriggerDef {
  readonly name: string;
  readonly owner: string;
  readonly comment: string | null;
  readonly event: string;
  /** WHEN TAG IN (…); null: every tag. */
  readonly tags: readonly string[] | null;
  /** Qualified function name. */
  readonly function: string;
  /** pg_event_trigger.evtenabled: O origin (default), D disabled, R replica, A always. */
  readonly enabled: 'O' | 'D' | 'R' | 'A';
}

export interface ServerObjects {
  readonly languages: readonly LanguageDef[];
  readonly foreignDataWrappers: readonly ForeignDataWrapperDef[];
  readonly foreignServers: readonly ForeignServerDef[];
  readonly userMappings: readonly UserMappingDef[];
  readonly foreignTables: readonly ForeignTableDef[];
  readonly publications: readonly PublicationDef[];
  readonly eventTriggers: readonly EventTriggerDef[];
}

/** Every role these objects name: owners, grantees, mapped users. */
export function rolesOfServerObjects(objects: ServerObjects): string[] {
  const owned = [...objects.languages, ...objects.foreignDataWrappers, ...objects.foreignServers, ...objects.foreignTables];
  return [
    ...owned.flatMap((o) => [o.owner, ...(o.grants ?? []).flatMap((g) => (g.grantee ? [g.grantee] : []))]),
    ...objects.publications.map((p) => p.owner),
    ...objects.eventTriggers.map((e) => e.owner),
    ...objects.userMappings.flatMap((m) => (m.user ? [m.user] : [])),
  ];
}
