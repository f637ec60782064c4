/**
 * @module cli/v8-flags
 * The V8 flags a command runs with (drill-heap.ts, validate-flags.ts), and how to tell which of
 * them Node or its user has set already, by a flag to Node or in `NODE_OPTIONS`.
 */

/** A V8 flag a command runs with, and the flags by which Node or its user has set it already. */
export interface CommandFlag {
  readonly flag: string;
  readonly setBy: RegExp;
}

/** The flags by which the user sizes the young generation. */
export const YOUNG_GENERATION_SET_BY =
  /--(max|min)-semi-space-size|--semi-space-growth-factor|young-generation/;

/** The flags of `flags` that neither Node's own flags nor `NODE_OPTIONS` set already. */
export function unsetFlags(
  flags: readonly CommandFlag[],
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): CommandFlag[] {
  return flags.filter(
    ({ setBy }) => !execArgv.some((flag) => setBy.test(flag)) && !setBy.test(nodeOptions ?? ''),
  );
}

/** The command a command line names: its first word that is not an option. */
export function commandOf(argv: readonly string[]): string | undefined {
  return argv.find((arg) => !arg.startsWith('-'));
}
