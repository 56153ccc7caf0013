/**
 * How many DDL statements one transaction runs at most. A transaction locks every object it creates or alters
 * until it ends, and the server's lock table is shared and finite (max_locks_per_transaction × backends, 6,400 by
 * default): one transaction for a schema of 5,000 tables runs out of shared memory.
 */
export const statementsPerTransaction = 200;
