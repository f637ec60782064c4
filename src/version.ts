/**
 * @module version
 * The harness's version, from its package.json.
 */
import { readFileSync } from 'node:fs';

/** The package version, e.g. `0.1.0`. */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
