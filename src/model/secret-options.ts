/**
 * Pure: which options of a foreign server or user mapping hold a secret, which pgferry never copies nor shows.
 * Names are matched without regard to case: one containing password, passwd, secret, token or api_key/apikey
 * (sslpassword, client_secret, access_token…), or with pwd or key as a whole word (pwd, db_pwd, key, secret_key,
 * private_key; not sslkey, the path of a key file, nor keyspace).
 */

const secretParts = /password|passwd|secret|token|api_?key/i;
const secretWords = new Set(['pwd', 'key']);

/** An option's name from the catalogs' "name=value" form. */
export function optionName(option: string): string {
  const at = option.indexOf('=');
  return at === -1 ? option : option.slice(0, at);
}

export function isSecretOption(name: string): boolean {
  return secretParts.test(name) || name.toLowerCase().split(/[^a-z0-9]+/).some((word) => secretWords.has(word));
}

/** The options to carry, and the names of those left out (never their values). */
export function withoutSecretOptions(options: readonly string[]): { kept: string[]; dropped: string[] } {
  const kept = options.filter((o) => !isSecretOption(optionName(o)));
  const dropped = options.map(optionName).filter(isSecretOption);
  return { kept, dropped };
}
