/**
 * One object's DDL as migrate applies it: `create` whole or not at all, then `settle` (owner, grants, comments)
 * one statement at a time. `needs` names the refusable objects it cannot exist without, also through others (a
 * view over a view over a foreign table): when the target refuses one of them, this one is refused in turn.
 */
export interface SchemaUnit {
  /** What verify and warnings call it, e.g. "foreign server files", "view app.totals". */
  readonly id: string;
  readonly create: readonly string[];
  readonly settle: readonly string[];
  readonly needs: readonly string[];
  /**
   * A kind a managed target may refuse (language, foreign data, publication, event trigger): tried under a
   * savepoint, a refusal is a warning. Otherwise a refusal fails the run.
   */
  readonly refusable: boolean;
}
