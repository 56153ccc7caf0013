/**
 * Who may do what beyond an object's own owner and grants: default privileges, column grants, role memberships,
 * database and role settings, and changed privileges on extension members. Role names are unmapped source names.
 */
import type { Grant, QualifiedName } from './schema-model.js';

/** ALTER DEFAULT PRIVILEGES: the ACL pg_default_acl holds for objects `role` creates (in `schema`, or anywhere). */
export interface DefaultPrivilegeDef {
  readonly role: string;
  /** null: every schema; such an entry replaces the built-in defaults, so a revoked default shows as missing. */
  readonly schema: string | null;
  readonly objectType: 'TABLES' | 'SEQUENCES' | 'FUNCTIONS' | 'TYPES' | 'SCHEMAS' | 'LARGE OBJECTS';
  /** The whole ACL, the role's own entries included. */
  readonly grants: readonly Grant[];
}

export interface ColumnGrantDef {
  readonly table: QualifiedName;
  readonly column: string;
  readonly grants: readonly Grant[];
}

/** `member` is a member of `role`. `inherit` and `set` are the effective options (before 16: the member's INHERIT, and true). */
export interface RoleMembershipDef {
  readonly role: string;
  readonly member: string;
  readonly admin: boolean;
  readonly inherit: boolean;
  readonly set: boolean;
  /** A grantor that is neither a superuser nor the reading user: the only grantors that carry a meaning of their own. */
  readonly grantor: string | null;
}

/** ALTER DATABASE … SET (role null) or ALTER ROLE … [IN DATABASE …] SET, as pg_db_role_setting stores it. */
export interface SettingDef {
  readonly role: string | null;
  /** 'this database': the database read (or migrated into); 'every database': ALTER ROLE … SET without IN DATABASE. */
  readonly scope: 'this database' | 'every database';
  readonly name: string;
  readonly value: string;
}

/** An extension member whose ACL differs from the one its extension script gave it (pg_init_privs). */
export interface ExtensionMemberPrivilegeDef {
  readonly extension: string;
  /** The GRANT … ON clause, e.g. "FUNCTION public.similarity(text, text)". */
  readonly target: string;
  readonly owner: string;
  readonly granted: readonly Grant[];
  readonly revoked: readonly Grant[];
}

export interface AccessModel {
  readonly defaultPrivileges: readonly DefaultPrivilegeDef[];
  readonly columnGrants: readonly ColumnGrantDef[];
  readonly memberships: readonly RoleMembershipDef[];
  readonly settings: readonly SettingDef[];
  readonly extensionMemberPrivileges: readonly ExtensionMemberPrivilegeDef[];
}
