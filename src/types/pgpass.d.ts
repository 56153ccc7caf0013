declare module 'pgpass' {
  interface PgpassConnectionInfo {
    host: string;
    port: number;
    database: string;
    user: string;
  }
  function pgpass(connInfo: PgpassConnectionInfo, callback: (password: string | undefined) => void): void;
  export default pgpass;
}
