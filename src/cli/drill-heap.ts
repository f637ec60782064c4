/**
 * @module cli/drill-heap
 * How V8's heap is sized for drills. A drill's garbage is short- and medium-lived: each request's
 * `Request`, `Response`, streams and prompt text live for the few virtual seconds the request is
 * in flight. Two V8 defaults suit that badly:
 *
 * - The young generation grows to about 100 MB once the allocation rate is high, and that space
 *   stays resident: black-friday peaked at ~300 MB RSS with under 50 MB live. 16 MB semi-spaces
 *   (a 48 MB young generation) keep the speed. Smaller ones cost time where hundreds of requests
 *   are in flight, since those objects survive each scavenge and are copied again.
 * - The old generation, after each full collection, may grow to up to four times what survived
 *   it before the next one. The garbage promoted from the young generation fills that headroom,
 *   so black-friday peaked at ~220 MB and the million-request drill at ~350 MB. Letting it grow
 *   to twice what survived (`--heap-growing-percent=100`) peaks near 175 and 260 MB. Where
 *   hundreds of requests are in flight that cost 1.0-1.1x the time of the semi-spaces alone, and
 *   tighter cost more (a fifth: 1.5x the time and twice the CPU for 0.6x the memory).
 *
 * `npm run bench` prints both trades ("drill heap").
 *
 * V8 reads the semi-spaces' size only when a heap is made, so the drilling commands restart
 * themselves with it before they load anything (flags Node was given stay, and one the user set
 * is not replaced); it holds for every thread, and a pool's worker threads get the young
 * generation's size as a resource limit besides. The growth is set in the process instead, once
 * the command's modules are loaded and before its first drill ({@link growHeapForDrills}): V8
 * reads it at each full collection, and it is one of the flags V8 folds into the check of its
 * code caches, so given to Node it made V8 refuse Node's cached code for every built-in module
 * (undici, web streams, `child_process`…) and compile each from source. The semi-spaces' size is
 * not in that check.
 */

import { commandOf, unsetFlags, YOUNG_GENERATION_SET_BY, type CommandFlag } from './v8-flags.js';

/** Each of the young generation's two semi-spaces, in MB. */
export const SEMI_SPACE_MB = 16;

/** The young generation of a pool's worker thread, in MB: two semi-spaces and the space beside them. */
export const YOUNG_GENERATION_MB = 3 * SEMI_SPACE_MB;

/** How much the old generation may grow past what survived its last full collection, in %. */
export const HEAP_GROWING_PERCENT = 100;

/** The commands that run drills in virtual time, where the allocation rate is high. */
const DRILLING = new Set(['run', 'compare', 'scorecard', 'check']);

/** The flags a drilling command restarts with, and the flags by which they are set already. */
const DRILL_FLAGS: readonly CommandFlag[] = [
  {
    flag: `--max-semi-space-size=${SEMI_SPACE_MB}`,
    setBy: YOUNG_GENERATION_SET_BY,
  },
];

/** The flags a drilling command restarts with. */
export const DRILL_HEAP_FLAGS: readonly string[] = DRILL_FLAGS.map(({ flag }) => flag);

/** The old generation's growth a drill runs with, set in the process before its first drill. */
const HEAP_GROWTH: CommandFlag = {
  flag: `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
  setBy: /--heap-growing-percent/,
};

/** The flag {@link growHeapForDrills} sets: none if Node or its user has set the growth already. */
export function heapGrowthFlag(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined {
  return unsetFlags([HEAP_GROWTH], execArgv, nodeOptions)[0]?.flag;
}

let grown = false;

/**
 * Sets the old generation's growth for drills in this process, once: called by the main thread
 * when it opens its drill pool, once the command's modules are loaded (V8's flags hold for every
 * thread, and a worker thread leaves them alone). The library's own `runDrill` leaves V8 as its
 * caller set it.
 */
export function growHeapForDrills(): void {
  // `worker_threads` and `v8` are taken here, not imported: every command loads this module as
  // it starts, and only drills need them (loading them is a few milliseconds of `--version`).
  if (grown || !process.getBuiltinModule('node:worker_threads').isMainThread) return;
  grown = true;
  const flag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (flag !== undefined) process.getBuiltinModule('node:v8').setFlagsFromString(flag);
}

/**
 * The arguments to restart this process with, for a drilling command that lacks a flag of
 * {@link DRILL_FLAGS}; otherwise `undefined`. The flags Node was given come after ours, and a
 * heap size the user set by a flag or `NODE_OPTIONS` is kept.
 */
export function restartArguments(
  argv: readonly string[],
  execArgv: readonly string[],
  nodeOptions: string | undefined,
  script: string,
): string[] | undefined {
  const command = commandOf(argv);
  if (command === undefined || !DRILLING.has(command)) return undefined;
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  const missing = unsetFlags(DRILL_FLAGS, execArgv, nodeOptions);
  if (missing.length === 0) return undefined;
  return [...missing.map(({ flag }) => flag), ...execArgv, script, ...argv];
}

/**
 * Replaces this process (same pid, streams and signals) with one whose young generation suits a
 * drill, when the command drills and the platform can (`process.execve`: Node >= 22.15 on POSIX;
 * elsewhere the drill runs here with V8's young generation, only larger; the growth is set in the
 * process either way).
 */
export function restartForDrills(argv: readonly string[]): void {
  const execve = process.execve?.bind(process);
  const script = process.argv[1];
  if (execve === undefined || script === undefined) return;
  const args = restartArguments(argv, process.execArgv, process.env.NODE_OPTIONS, script);
  if (args !== undefined) execve(process.execPath, [process.execPath, ...args], process.env);
}
