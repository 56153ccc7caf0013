/** Every stable error code pgferry can report; docs/CLI.md explains each one. */
export const errorCodes = {
  PLAN_NOT_FOUND: 'the plan file does not exist or cannot be read',
  PLAN_SYNTAX: 'the plan file is not valid YAML',
  PLAN_INVALID: 'the plan or flags have wrong, missing or unknown settings',
  URL_INVALID: 'a connection string cannot be parsed',
  URL_UNSUPPORTED: 'a connection string names an endpoint kind this version cannot use yet',
  SAME_DATABASE: 'source and target are the same database',
  CONNECT_TIMEOUT: 'the server did not answer within the connect timeout',
  CONNECT_REFUSED: 'nothing listens on the host and port',
  HOST_NOT_FOUND: 'the host name does not resolve',
  AUTH_FAILED: 'the server rejected the user or password',
  DATABASE_NOT_FOUND: 'the database does not exist on the server',
  TLS_FAILED: 'the TLS handshake or certificate check failed',
  CONNECTION_LOST: 'an open connection was closed by the server or the network',
  PERMISSION_DENIED: 'the connected role lacks a privilege pgferry needs',
  QUERY_FAILED: 'the server rejected a query pgferry sent',
  COPY_FAILED: 'streaming a table from source to target failed; nothing of it was committed',
  SCHEMA_FAILED: 'the target refused a statement that creates part of the schema',
  RESUME_PLAN_CHANGED: 'an unfinished run of this source and target was started with other settings',
  NOTHING_TO_RESUME: 'migrate --resume found no unfinished run of this source and target',
  RUN_IN_PROGRESS: 'another run is migrating into the same target or using the same run journal',
  JOURNAL_FAILED: 'the run journal in the run directory cannot be opened or written',
  LOCAL_SERVER_FAILED: 'a PostgreSQL server pgferry starts itself failed to start',
  INTERNAL: 'a bug in pgferry',
} as const;

export type ErrorCode = keyof typeof errorCodes;
