/** Masks passwords in connection strings and key=value settings before anything is printed. */

// The password runs to the last @ before the path: users type unencoded @ and spaces in it, and libpq accepts them.
const urlPassword = /((?:postgres(?:ql)?|sqlite|json):\/\/[^:/?#@\s]*:)([^/?#\r\n]*)(@)/gi;
const keywordPassword = /(\b\w*password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)/gi;

/** Replaces every password found in `text` with `****`. */
export function redactSecrets(text: string): string {
  return text.replace(urlPassword, '$1****$3').replace(keywordPassword, '$1****');
}

const secretKey = /password|passwd|secret|token|api_?key/i;

/** A copy of a plain value (a plan, settings) with passwords in strings masked and values under secret-looking keys replaced by `****`. */
export function maskSecrets(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, secretKey.test(key) && v !== null && v !== undefined ? '****' : maskSecrets(v)]));
  }
  return value;
}
