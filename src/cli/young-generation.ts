/**
 * @module cli/young-generation
 * The size of V8's young generation for drills. A drill's garbage is short- and medium-lived: each
 * request's `Request`, `Response`, streams and prompt text live for the few virtual seconds the
 * request is in flight. With V8's default, the young generation grows to about 100 MB once the
 * allocation rate is high, and that space is resident from then on: black-friday peaked at
 * ~300 MB RSS with under 50 MB live. 16 MB semi-spaces (a 48 MB young generation) keep it near
 * 220 MB at the same speed. Smaller semi-spaces cost time where hundreds of requests are in
 * flight, since those objects survive each scavenge and are copied again: `npm run bench` prints
 * that cost ("young generation"); 8 MB cost several times more time for little more memory saved.
 * V8 takes the size only when a heap is made, so the drilling commands restart themselves with
 * the flag before they load anything, and the pool's worker threads get it as a resource limit.
 */

/** Each of the young generation's two semi-spaces, in MB. */
export const SEMI_SPACE_MB = 16;

/** The young generation of a pool's worker thread, in MB: two semi-spaces and the space beside them. */
export const YOUNG_GENERATION_MB = 3 * SEMI_SPACE_MB;

/** The commands that run drills in virtual time, where the allocation rate is high. */
const DRILLING = new Set(['run', 'compare', 'scorecard', 'check']);

/** Flags by which Node or its user has sized the young generation already. */
const SIZED = /--(max|min)-semi-space-size|--semi-space-growth-factor|young-generation/;

/**
 * The arguments to restart this process with, for a drilling command not yet restarted; otherwise
 * `undefined`. The user's own `NODE_OPTIONS` or flags that size the young generation are kept.
 */
export function restartArguments(
  argv: readonly string[],
  execArgv: readonly string[],
  nodeOptions: string | undefined,
  script: string,
): string[] | undefined {
  const command = argv.find((arg) => !arg.startsWith('-'));
  if (command === undefined || !DRILLING.has(command)) return undefined;
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  if (execArgv.some((flag) => SIZED.test(flag)) || SIZED.test(nodeOptions ?? '')) return undefined;
  return [`--max-semi-space-size=${SEMI_SPACE_MB}`, ...execArgv, script, ...argv];
}

/**
 * Replaces this process (same pid, streams and signals) with one whose young generation suits a
 * drill, when the command drills and the platform can (`process.execve`: Node >= 22.15 on POSIX;
 * elsewhere the drill runs here with V8's default, only larger).
 */
export function restartForDrills(argv: readonly string[]): void {
  const execve = process.execve?.bind(process);
  const script = process.argv[1];
  if (execve === undefined || script === undefined) return;
  const args = restartArguments(argv, process.execArgv, process.env.NODE_OPTIONS, script);
  if (args !== undefined) execve(process.execPath, [process.execPath, ...args], process.env);
}
