/**
 * @module subject/load-subject
 * Finds and imports a subject: a shipped one by name (`subjects/<name>.js` in this package), a
 * module file by path, or an installed package by specifier. A module that cannot be found or
 * loaded, or whose default export is not `createSubject(context)`, is bad input: exit 2 with
 * one line, before anything is drilled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, findPackageJSON } from 'node:module';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
import { PACKAGE_JSON_PATH, PACKAGE_ROOT } from '../version.js';
import { readSource } from '../scenario/parse-file.js';
import type { CreateSubject } from './contract.js';

/** The subjects this package ships, in `subjects/`. */
export const SHIPPED_SUBJECTS = [
  'engine',
  'openai-sdk',
  'sdk-fallback-chain',
  'portkey',
  'ai-sdk',
  'langchain',
] as const;

/** A subject module, imported and checked, with its config read. */
export interface LoadedSubject {
  /** As `--subject` named it. */
  readonly name: string;
  /** The module as the report shows it: a path from the working directory, or a specifier. */
  readonly module: string;
  readonly create: CreateSubject;
  /** The parsed `--subject-config`; `undefined` without one. */
  readonly config: unknown;
  readonly configFile: string | undefined;
  /** The package the module belongs to, when it is not this one. */
  readonly modulePackage: { readonly package: string; readonly version: string } | undefined;
}

const SUBJECTS_DIR = new URL('subjects/', PACKAGE_ROOT);

function looksLikePath(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || /\.(?:[cm]?js|[cm]?ts)$/.test(spec);
}

/** Where the module is: a file URL, and how the report names it. */
function locateModule(spec: string): { url: URL; shown: string } {
  if ((SHIPPED_SUBJECTS as readonly string[]).includes(spec))
    return { url: new URL(`${spec}.js`, SUBJECTS_DIR), shown: `subjects/${spec}.js` };
  if (looksLikePath(spec)) {
    const path = resolve(spec);
    if (!existsSync(path))
      throw InputError.of(
        '--subject',
        `no file ${spec}; name a module file, an installed package, or a shipped subject (${SHIPPED_SUBJECTS.join(', ')})`,
      );
    return { url: pathToFileURL(path), shown: relative(process.cwd(), path) || path };
  }
  try {
    const path = createRequire(resolve('package.json')).resolve(spec);
    return { url: pathToFileURL(path), shown: spec };
  } catch {
    throw InputError.of(
      '--subject',
      `"${spec}" is not a shipped subject (${SHIPPED_SUBJECTS.join(', ')}), a module file, or a package installed here`,
    );
  }
}

/** The first line of an error's message: the CLI prints one line for bad input. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/** The package a module file belongs to, unless it is this one. */
function packageOf(url: URL): { package: string; version: string } | undefined {
  const path = findPackageJSON(url);
  if (path === undefined || path === PACKAGE_JSON_PATH) return undefined;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
    return typeof json.name === 'string' && typeof json.version === 'string'
      ? { package: json.name, version: json.version }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Imports the subject module and reads its config; throws InputError for either problem. */
export async function loadSubject(spec: string, configFile?: string): Promise<LoadedSubject> {
  const config = configFile === undefined ? undefined : readSource(configFile).data;
  const { url, shown } = locateModule(spec);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(url.href)) as Record<string, unknown>;
  } catch (error) {
    throw InputError.of('--subject', `cannot load ${shown}: ${firstLine(error)}`);
  }
  const create = loaded.default;
  if (typeof create !== 'function')
    throw InputError.of(
      '--subject',
      `${shown} has no default export createSubject(context) returning { fetch(request) }; see docs/subjects.md`,
    );
  return {
    name: spec,
    module: shown,
    create: create as CreateSubject,
    config,
    configFile,
    modulePackage: url.protocol === 'file:' ? packageOf(url) : undefined,
  };
}
