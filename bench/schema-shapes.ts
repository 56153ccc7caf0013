/**
 * Schemas with many relations, for the schema-scale bench and its small test: many small tables, or many
 * partitioned tables of many partitions. Built in procedures that commit every 20 tables, so building them does
 * not itself run out of lock slots on a server with max_locks_per_transaction = 10.
 */

export interface SchemaShape {
  readonly name: string;
  /** Relations that hold rows (tables, or partitions). */
  readonly leafTables: number;
  /** Run one by one, outside a transaction block (the procedures commit as they go). */
  readonly statements: readonly string[];
}

/** `tables` tables in 10 schemas, each with a primary key, a secondary index, a default, a check and 3 rows. */
export function manyTables(tables: number): SchemaShape {
  return {
    name: `${tables} tables`,
    leafTables: tables,
    statements: [
      `DO $$ BEGIN FOR s IN 0..9 LOOP EXECUTE format('CREATE SCHEMA s%s', s); END LOOP; END $$`,
      `DO $$
      BEGIN
        FOR i IN 1..${tables} LOOP
          EXECUTE format('CREATE TABLE s%s.t%s (id int PRIMARY KEY, name text NOT NULL CHECK (name <> ''''),
                            created timestamptz NOT NULL DEFAULT now(), amount numeric(12, 2))', i % 10, i);
          EXECUTE format('CREATE INDEX ON s%s.t%s (name)', i % 10, i);
          EXECUTE format('INSERT INTO s%s.t%s SELECT g, ''row '' || g, ''2024-01-01''::timestamptz + g * interval ''1 day'', g * 1.25
                            FROM generate_series(1, 3) g', i % 10, i);
          IF i % 20 = 0 THEN COMMIT; END IF;
        END LOOP;
      END $$`,
    ],
  };
}

/** `parents` list-partitioned tables of `partitions` partitions each, with a primary key (its indexes attach) and 2 rows per partition. */
export function manyPartitions(parents: number, partitions: number): SchemaShape {
  return {
    name: `${parents} partitioned tables × ${partitions} partitions`,
    leafTables: parents * partitions,
    statements: [
      'CREATE SCHEMA p',
      `DO $$
      BEGIN
        FOR i IN 1..${parents} LOOP
          EXECUTE format('CREATE TABLE p.pt%s (id int NOT NULL, k int NOT NULL, v text, PRIMARY KEY (k, id)) PARTITION BY LIST (k)', i);
          FOR j IN 1..${partitions} LOOP
            EXECUTE format('CREATE TABLE p.pt%s_%s PARTITION OF p.pt%s FOR VALUES IN (%s)', i, j, i, j);
            IF j % 20 = 0 THEN COMMIT; END IF;
          END LOOP;
          EXECUTE format('INSERT INTO p.pt%s SELECT g, k, ''v'' || g FROM generate_series(1, 2) g, generate_series(1, ${partitions}) k', i);
          COMMIT;
        END LOOP;
      END $$`,
    ],
  };
}
