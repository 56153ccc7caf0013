/** Reads SQL fixtures shipped beside the compiled tests' sources. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fixtureSql(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url)), 'utf8');
}
