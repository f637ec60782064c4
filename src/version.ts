/**
 * @module version
 * The harness's version and its package's root, from the nearest package.json: the same from the
 * compiled modules (`dist/`), the bundled CLI (`dist/bin/`) and the sources under test.
 */
import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

const PACKAGE_JSON = findPackageJSON(import.meta.url) as string;

/** The package's root directory, as a file URL ending in `/`. */
export const PACKAGE_ROOT = pathToFileURL(`${dirname(PACKAGE_JSON)}/`);

/** The package's package.json, as a path. */
export const PACKAGE_JSON_PATH = PACKAGE_JSON;

/** The package version, e.g. `0.1.0`. */
export const VERSION = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string })
  .version;
