/** What a target said when migrate's DDL was tried on it in a transaction that was rolled back. */

export interface RefusedStatement {
  readonly statement: string;
  readonly message: string;
  readonly sqlState: string | undefined;
  readonly serverHint: string | undefined;
}

export interface Rehearsal {
  readonly tried: number;
  readonly refused: readonly RefusedStatement[];
  /** Set when the rehearsal could not go on (e.g. one transaction's locks filled the lock table); later statements untried. */
  readonly stoppedBecause: string | undefined;
}
