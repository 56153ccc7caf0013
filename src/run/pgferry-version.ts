/** pgferry's own version, as package.json gives it. */
import { readFileSync } from 'node:fs';

// Compiled to dist/src/run/: the package root is three levels up.
const packageJson = new URL('../../../package.json', import.meta.url);

export const pgferryVersion: string = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
