/**
 * The bench dataset: a realistic application database — accounts, a large events table (jsonb, text, numeric,
 * timestamptz, bytea) with a foreign key and a few secondary indexes, and notes with long text. The
 * index-heavy variant adds a trigram GIN index on the notes' text, whose build is the critical path.
 */
export type Variant = 'default' | 'index-heavy';

/** Table data (heap + TOAST) the default dataset has at scale 1, measured; --size-mb is turned into a scale with it. */
export const tableMbAtScaleOne = 979;

export function datasetSql(scale: number, variant: Variant): string {
  const accounts = Math.round(170_000 * scale);
  const events = Math.round(2_000_000 * scale);
  const notes = Math.round(520_000 * scale);
  return `
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE TABLE accounts (
      id bigint PRIMARY KEY,
      email text NOT NULL UNIQUE,
      name text NOT NULL,
      created_at timestamptz NOT NULL,
      balance numeric(14, 2) NOT NULL,
      settings jsonb NOT NULL
    );
    INSERT INTO accounts
    SELECT i, 'user' || i || '@example.com', 'Account ' || md5(i::text), TIMESTAMPTZ '2020-01-01' + i * interval '7 minutes',
           (i % 100000) / 3.0, jsonb_build_object('theme', CASE WHEN i % 2 = 0 THEN 'dark' ELSE 'light' END, 'limits', jsonb_build_array(i % 10, i % 100))
      FROM generate_series(1, ${accounts}) i;

    CREATE TABLE events (
      id bigint PRIMARY KEY,
      account_id bigint NOT NULL REFERENCES accounts (id),
      at timestamptz NOT NULL,
      kind text NOT NULL,
      amount numeric(12, 2),
      payload jsonb NOT NULL,
      note text,
      digest bytea NOT NULL
    );
    INSERT INTO events
    SELECT i, 1 + i % ${accounts}, TIMESTAMPTZ '2024-01-01' + i * interval '2 seconds',
           (ARRAY['login', 'purchase', 'refund', 'view', 'logout'])[1 + i % 5], (i % 10000) / 7.0,
           jsonb_build_object('ip', '10.0.' || (i % 255) || '.' || (i % 253), 'agent', 'Mozilla/5.0 ' || md5(i::text),
                              'items', jsonb_build_array(i % 17, i % 31, md5((i * 3)::text))),
           repeat(md5((i * 7)::text), 3), decode(md5(i::text) || md5((i + 1)::text), 'hex')
      FROM generate_series(1, ${events}) i;
    CREATE INDEX events_account ON events (account_id);
    CREATE INDEX events_at ON events (at);

    CREATE TABLE notes (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), body text NOT NULL);
    INSERT INTO notes
    SELECT i, 1 + i % ${accounts}, 'note ' || i || ': ' || repeat(md5(i::text) || ' ' || md5((i * 11)::text) || ' ', 6)
      FROM generate_series(1, ${notes}) i;
    ${variant === 'index-heavy' ? 'CREATE INDEX notes_body_trgm ON notes USING gin (body gin_trgm_ops);' : ''}
    ANALYZE;
  `;
}
