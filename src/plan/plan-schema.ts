/** The plan: every setting of a run, checked once by one zod schema. */
import { z } from 'zod';

export const ifTargetNotEmptyChoices = ['refuse', 'drop'] as const;
export const sourceChangedChoices = ['refuse', 'recopy'] as const;
export const rejectsChoices = ['fail', 'file'] as const;
export const sqliteValuePolicies = ['reject', 'null', 'widen', 'fail'] as const;

/** YAML reads a bare `null` as no value: `values: null` means the policy null. */
const valuePolicy = z.preprocess((v) => (v === null ? 'null' : v), z.enum(sqliteValuePolicies));

/** A SQLite column's rule: the PostgreSQL type it becomes and/or what happens to a value that type does not take. */
const sqliteColumnRule = z.strictObject({
  /** The table and column as SQLite spells them (matched ignoring ASCII case, as SQLite does). */
  table: z.string().min(1),
  column: z.string().min(1),
  /** The PostgreSQL type, e.g. numeric(12,2), text, integer. */
  type: z.string().min(1).optional(),
  values: valuePolicy.optional(),
});

const jsonColumn = z.strictObject({
  /** The field's name in the records. */
  field: z.string().min(1),
  column: z.string().min(1).max(63),
  /** A PostgreSQL type: uuid, text, bigint, numeric, boolean, timestamptz, date, jsonb… */
  type: z.string().min(1),
  notNull: z.boolean().default(false),
  /** The collection whose key this field holds: a record whose value is no key of it is rejected (missing parent). */
  references: z.string().min(1).optional(),
});

const jsonTableShape = {
  table: z.string().min(1).max(63),
  /** Fields whose values identify a record; empty: its position does. */
  key: z.array(z.string().min(1)).default([]),
  columns: z.array(jsonColumn).default([]),
  /** The jsonb column keeping every field no column names. */
  extra: z.string().min(1).max(63).default('extra'),
};

interface JsonChildInput {
  table: string;
  key?: string[];
  columns?: z.input<typeof jsonColumn>[];
  extra?: string;
  children?: Record<string, JsonChildInput>;
  parentColumns: string[];
  position?: string;
}

/** A nested array of objects as a table of its own, holding its parent's key and each item's position. */
const jsonChild: z.ZodType<unknown, JsonChildInput> = z.lazy(() =>
  z.strictObject({
    ...jsonTableShape,
    children: z.record(z.string(), jsonChild).default({}),
    parentColumns: z.array(z.string().min(1).max(63)).min(1),
    position: z.string().min(1).max(63).default('position'),
  }),
);

/** A duration as seconds: 90, "90s", "2m", "1h", "500ms". */
const duration = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(v);
  if (!m) return v;
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[(m[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * factor;
}, z.number({ error: 'a duration such as 60s, 2m or 90' }).positive().max(86_400));

/** A shell command run with a timeout; its output goes into the report. */
const cutoverHook = (defaultSeconds: number) => z.strictObject({ run: z.string().min(1), timeout: duration.default(defaultSeconds) });

/** The steps of a cutover (docs/CUTOVER.md), each a hook or pgferry's own action. */
const cutoverPlan = z.strictObject({
  /** Stops writes to the source: a hook (scale the app to zero), or pgferry making the source read-only. */
  fence: z.union([cutoverHook(60), z.strictObject({ readOnlySource: z.literal(true), timeout: duration.default(60) })]),
  /** Points the application at the new database; run again with PGFERRY_SWITCH_TO set to the source to roll back. */
  switch: cutoverHook(60),
  /** Starts the application again (also after a rollback). */
  start: cutoverHook(60).optional(),
  /** The new side is live when this URL answers 2xx (or this command exits 0) within the timeout. */
  health: z.union([z.strictObject({ url: z.url(), timeout: duration.default(120) }), cutoverHook(120)]),
});

/** A JSON source's mapping (docs/JSON.md): `pgferry infer` drafts it. */
export const jsonMapping = z.strictObject({
  collections: z.record(
    z.string(),
    z.strictObject({
      /** The collection file, relative to the source directory. */
      file: z.string().min(1),
      ...jsonTableShape,
      children: z.record(z.string(), jsonChild).default({}),
    }),
  ),
});

export const planSchema = z.strictObject({
  /** Where the data comes from: a postgres:// or postgresql:// URL. */
  source: z.string().min(1),
  /** Where the data goes: a postgres:// or postgresql:// URL. */
  target: z.string().min(1),
  /** What to do when the target already holds tables or other objects. */
  ifTargetNotEmpty: z.enum(ifTargetNotEmptyChoices).default('refuse'),
  /** Directory for the run's journal, logs and (later) backups. */
  runDir: z.string().min(1).default('./pgferry-runs'),
  /** Parallel workers for copy and index builds. */
  jobs: z.coerce.number().int().min(1).max(64).default(2),
  /** How long a read or a copy waits for a table another session keeps locked, before failing with TABLE_LOCKED. */
  lockWaitSeconds: z.coerce.number().int().min(1).max(86_400).default(60),
  /** How long to wait for a server to answer a connection attempt. */
  connectTimeoutSeconds: z.coerce.number().int().min(1).max(600).default(10),
  /**
   * Split tables larger than this (in MB) with an integer primary key into key ranges copied in parallel; 0 never
   * splits. Unset: half of one job's share of the data (at least 64 MB), so one big table cannot leave jobs idle while
   * smaller tables still load whole with COPY FREEZE.
   */
  chunkSizeMb: z.coerce.number().int().min(0).max(10_000_000).optional(),
  /**
   * migrate, when resuming: what to do when tables already copied were written on the source since the copy
   * started. refuse: stop with SOURCE_CHANGED; recopy: copy those tables again from the new snapshot.
   */
  sourceChanged: z.enum(sourceChangedChoices).default('refuse'),
  /**
   * migrate: what to do with a row the target refuses (a value its column type or a check does not take). fail: the
   * table fails (nothing of it is committed); file: the row goes to the run directory's rejects/ with the server's
   * reason, the rest of the table loads, and the run warns (loaded + rejected = read).
   */
  rejects: z.enum(rejectsChoices).default('fail'),
  /** migrate: end with a full verification (counts, checksums, schema, sequences); false skips it. */
  verify: z.boolean().default(true),
  owners: z
    .strictObject({
      /** Source role → target role, e.g. { app_owner: fly-user } for a managed target's single app user. */
      map: z.record(z.string(), z.string()).default({}),
      /** true: leave every object owned by the connecting target user, grant only to mapped roles. */
      drop: z.boolean().default(false),
    })
    .default({ map: {}, drop: false }),
  backup: z
    .strictObject({
      /** migrate: take a backup of the source before anything is written (after preflight). */
      enabled: z.boolean().default(true),
      /**
       * auto: a pg_dump custom-format archive when a pg_dump of the source's major or newer is found, else pgferry's
       * portable archive; pg_dump: require pg_dump; portable: always the portable archive.
       */
      format: z.enum(['auto', 'pg_dump', 'portable']).default('auto'),
      /** A directory holding pg_dump, pg_dumpall and pg_restore, searched before PATH and /usr/lib/postgresql/<major>/bin. */
      pgBinDir: z.string().min(1).optional(),
      /**
       * Restore the backup into a scratch database on the target server and verify it against the source.
       * auto: when the source's data is at most testRestoreMaxMb.
       */
      testRestore: z.enum(['auto', 'always', 'never']).default('auto'),
      testRestoreMaxMb: z.coerce.number().int().min(0).default(1024),
      /** Free space kept on the backup's disk beyond the estimated backup size, in MB. */
      reserveMb: z.coerce.number().int().min(0).default(256),
      /** Extra steps run after the backup (e.g. a provider's volume snapshot), each a shell command with a timeout. */
      hooks: z
        .array(z.strictObject({ name: z.string().min(1), run: z.string().min(1), timeoutSeconds: z.coerce.number().int().min(1).default(600) }))
        .default([]),
    })
    .prefault({}),
  /** How a JSON source's collections become tables (ignored for other sources); `pgferry infer` drafts it. */
  json: jsonMapping.optional(),
  /** How a SQLite source becomes PostgreSQL (ignored for other sources). */
  sqlite: z
    .strictObject({
      /** lower: names folded to lower case (what unquoted SQL finds); preserve: kept as SQLite spells them. */
      identifiers: z.enum(['lower', 'preserve']).default('lower'),
      /** The type of INT, INTEGER, BIGINT… columns that are not a rowid alias. */
      integer: z.enum(['bigint', 'integer']).default('bigint'),
      /** The type of DATETIME and TIMESTAMP columns. */
      timestamp: z.enum(['timestamptz', 'timestamp']).default('timestamptz'),
      /**
       * A value its column's type does not take (text in an INTEGER, 2 in a BOOLEAN…). reject: the row goes to the
       * reject file with table, rowid, column, value and reason; null: the value becomes NULL, logged there too;
       * widen: the column gets a type that holds every value (text, numeric, bytea…); fail: the table fails.
       */
      values: valuePolicy.default('reject'),
      /** Per-column rules, winning over the defaults above. */
      columns: z.array(sqliteColumnRule).default([]),
    })
    .prefault({}),
  /** The steps `pgferry cutover` runs after the copy (docs/CUTOVER.md). */
  cutover: cutoverPlan.optional(),
  preflight: z
    .strictObject({
      /** Use planner statistics (pg_class.reltuples) instead of exact count(*) per table. */
      estimateCounts: z.boolean().default(false),
    })
    .default({ estimateCounts: false }),
});

/** `pgferry backup`: the target is optional (the server a test restore goes to). */
export const backupPlanSchema = planSchema.extend({ target: z.string().min(1).optional() });
/** `pgferry restore`: the backup takes the source's place. */
export const restorePlanSchema = planSchema.extend({ source: z.string().min(1).optional() });
export type BackupPlan = z.infer<typeof backupPlanSchema>;
export type RestorePlan = z.infer<typeof restorePlanSchema>;

/** A validated plan with every default filled in. */
export type Plan = z.infer<typeof planSchema>;
/** What a plan file, flags or the environment may say before validation. */
export type PlanInput = z.input<typeof planSchema>;

/** An example of a right value per key, shown beside a validation problem. */
export const planExamples: Readonly<Record<string, string>> = {
  source: 'source: postgres://app@old-db:5432/app',
  target: 'target: postgresql://app@new-db:5432/app?sslmode=require',
  ifTargetNotEmpty: `ifTargetNotEmpty: refuse   # one of ${ifTargetNotEmptyChoices.join(', ')}`,
  runDir: 'runDir: ./pgferry-runs',
  jobs: 'jobs: 4',
  connectTimeoutSeconds: 'connectTimeoutSeconds: 10',
  lockWaitSeconds: 'lockWaitSeconds: 60',
  chunkSizeMb: 'chunkSizeMb: 512',
  sourceChanged: `sourceChanged: refuse   # one of ${sourceChangedChoices.join(', ')}`,
  rejects: `rejects: fail   # one of ${rejectsChoices.join(', ')}`,
  verify: 'verify: true',
  owners: 'owners: { map: { app_owner: app_user }, drop: false }',
  'owners.map': 'owners: { map: { app_owner: app_user } }',
  'owners.drop': 'owners: { drop: true }',
  preflight: 'preflight: { estimateCounts: false }',
  backup: 'backup: { enabled: true, format: auto, testRestore: auto }',
  'backup.enabled': 'backup: { enabled: false }',
  'backup.format': 'backup: { format: portable }   # one of auto, pg_dump, portable',
  'backup.pgBinDir': 'backup: { pgBinDir: /usr/lib/postgresql/17/bin }',
  'backup.testRestore': 'backup: { testRestore: always }   # one of auto, always, never',
  'backup.testRestoreMaxMb': 'backup: { testRestoreMaxMb: 1024 }',
  'backup.reserveMb': 'backup: { reserveMb: 256 }',
  'backup.hooks': 'backup: { hooks: [ { name: volume-snapshot, run: "fly volumes snapshots create vol_123", timeoutSeconds: 600 } ] }',
  'preflight.estimateCounts': 'preflight: { estimateCounts: true }',
  cutover: 'cutover: { fence: { run: "fly scale count 0 -a app", timeout: 60s }, switch: { run: "fly secrets set DATABASE_URL=$PGFERRY_SWITCH_TO -a app" }, health: { url: "https://app.example.com/healthz", timeout: 120s } }',
  'cutover.fence': 'cutover: { fence: { readOnlySource: true } }   # or { run: "…", timeout: 60s }',
  'cutover.switch': 'cutover: { switch: { run: "fly secrets set DATABASE_URL=$PGFERRY_SWITCH_TO -a app", timeout: 60s } }',
  'cutover.start': 'cutover: { start: { run: "fly scale count 1 -a app", timeout: 60s } }',
  'cutover.health': 'cutover: { health: { url: "https://app.example.com/healthz", timeout: 120s } }   # or { run: "…" }',
  sqlite: 'sqlite: { identifiers: lower, values: reject }',
  json: 'json: { collections: { users: { file: users.json, table: users, key: [id], columns: [ { field: id, column: id, type: uuid, notNull: true } ] } } }',
  'sqlite.identifiers': 'sqlite: { identifiers: preserve }   # one of lower, preserve',
  'sqlite.integer': 'sqlite: { integer: integer }   # one of bigint, integer',
  'sqlite.timestamp': 'sqlite: { timestamp: timestamp }   # one of timestamptz, timestamp',
  'sqlite.values': `sqlite: { values: null }   # one of ${sqliteValuePolicies.join(', ')}`,
  'sqlite.columns': 'sqlite: { columns: [ { table: orders, column: total, type: "numeric(12,2)", values: widen } ] }',
};
