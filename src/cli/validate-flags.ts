/**
 * @module cli/validate-flags
 * V8 as `validate` runs it. Validating is brief: it loads the schemas, parses a few files and
 * exits, and two of V8's habits cost it more than they return:
 *
 * - the young generation doubles each time a scavenge finds most of it alive, and module loading
 *   and schema building keep nearly all they allocate, so it reaches 8 MB (16 MB resident with
 *   both semi-spaces) for a command whose heap holds under 13 MB;
 * - Maglev and TurboFan compile the YAML parser's and the schemas' hot functions on background
 *   threads, for a run over before the optimised code pays for itself.
 *
 * So `validate` keeps the young generation at its first size (a growth factor of 1) and runs on
 * the interpreter and Sparkplug alone. The flags are set when the command starts, before the
 * schemas load, with `v8.setFlagsFromString`: V8 reads them at each scavenge and at each tier-up,
 * so no restart is needed. The growth factor could not be given to Node instead: V8 raises a
 * factor below 2 to 2 when it sizes the heap (`Heap::ConfigureHeap`), and reads it unchecked
 * afterwards. A flag the user set, given to Node or in `NODE_OPTIONS`, is left as it is.
 * test/cli/startup.test.ts checks the young generation's size; `npm run bench` prints
 * `validate`'s start-up time and peak RSS.
 */
import { commandOf, unsetFlags, YOUNG_GENERATION_SET_BY, type CommandFlag } from './v8-flags.js';

/** The flags `validate` runs with. */
const VALIDATE_FLAGS: readonly CommandFlag[] = [
  { flag: '--semi-space-growth-factor=1', setBy: YOUNG_GENERATION_SET_BY },
  { flag: '--no-maglev', setBy: /--(no-)?maglev\b/ },
  { flag: '--no-turbofan', setBy: /--(no-)?(turbofan|opt)\b/ },
];

/** The flags to set for this command line: `validate`'s, less those already set. */
export function validateFlags(
  argv: readonly string[],
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string[] {
  if (commandOf(argv) !== 'validate') return [];
  return unsetFlags(VALIDATE_FLAGS, execArgv, nodeOptions).map(({ flag }) => flag);
}

/**
 * Sets `validate`'s flags in this process, when the command line is `validate`. `node:v8` is
 * taken only then: every command runs this as it starts, and the module loads V8's heap
 * utilities and the stream classes they need.
 */
export function setValidateFlags(argv: readonly string[]): void {
  const flags = validateFlags(argv, process.execArgv, process.env.NODE_OPTIONS);
  if (flags.length === 0) return;
  const { setFlagsFromString } = process.getBuiltinModule('node:v8');
  for (const flag of flags) setFlagsFromString(flag);
}
