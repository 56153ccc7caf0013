/** pgferry's library API: everything the CLI does, a program can do. */
export { preflight, type PreflightOptions, type PreflightResult } from './api/preflight.js';
export { migrate, type MigrateOptions, type MigrateResult } from './api/migrate.js';
export { verify, type VerifyOptions, type VerifyResult } from './api/verify.js';
export { renderReport, type ReportResult, type RenderedReport } from './api/report.js';
export type { RunReport } from './report/run-report.js';
export type { RunRecord } from './model/run-record.js';
export type { ReportPaths } from './run/run-paths.js';
export type * from './model/schema-model.js';
export { PgferryError } from './errors/pgferry-error.js';
export { errorCodes, type ErrorCode } from './errors/codes.js';
export { redactSecrets } from './errors/redact.js';
export type { Finding } from './model/findings.js';
export type * from './model/inventory.js';
export type { Plan, PlanInput } from './plan/plan-schema.js';
export type { PgferryEvent } from './model/events.js';
export { exitCodes } from './cli/exit-codes.js';
