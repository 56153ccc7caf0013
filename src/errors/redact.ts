/** Masks passwords in connection strings and key=value settings before anything is printed. */

// The password runs to the last @ before the path: users type unencoded @ and spaces in it, and libpq accepts them.
const urlPassword = /((?:postgres(?:ql)?|sqlite|json):\/\/[^:/?#@\s]*:)([^/?#\r\n]*)(@)/gi;
const keywordPassword = /(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)/gi;

/** Replaces every password found in `text` with `****`. */
export function redactSecrets(text: string): string {
  return text.replace(urlPassword, '$1****$3').replace(keywordPassword, '$1****');
}
