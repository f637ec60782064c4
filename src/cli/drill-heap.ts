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
 * Both are set in the process, once the command's modules are loaded and before its first drill
 * ({@link growHeapForDrills}), with no restart:
 *
 * - V8 sizes the semi-spaces' maximum only when a heap is made, so `--max-semi-space-size` would
 *   need Node to start again (the CLI once restarted itself with it through `process.execve`,
 *   which cost a second start of Node, 40-60 ms, and did nothing on Windows). V8 reads the
 *   semi-spaces' growth factor at each scavenge, though, so the main thread watches its
 *   collections and sets the factor to 1 once its young generation has reached 16 MB
 *   semi-spaces, and back to V8's 2 if V8 shrinks it below ({@link youngGenerationGrowth}). A
 *   pool's worker threads, and the telemetry thread, get the young generation's size as a
 *   resource limit instead.
 * - The growth is one of the flags V8 folds into the check of its code caches, so given to Node
 *   it made V8 refuse Node's cached code for every built-in module (undici, web streams,
 *   `child_process`…) and compile each from source. Set once the modules are loaded, it costs
 *   nothing of the kind.
 */

import { unsetFlags, YOUNG_GENERATION_SET_BY, type CommandFlag } from './v8-flags.js';

/** Each of the young generation's two semi-spaces, in MB. */
export const SEMI_SPACE_MB = 16;

/** The young generation of a pool's worker thread, in MB: two semi-spaces and the space beside them. */
export const YOUNG_GENERATION_MB = 3 * SEMI_SPACE_MB;

/** How much the old generation may grow past what survived its last full collection, in %. */
export const HEAP_GROWING_PERCENT = 100;

/** The young generation's size in bytes, as V8 reports it (`new_space`, both semi-spaces), at which it stops growing. */
export const YOUNG_GENERATION_CAP_BYTES = 2 * SEMI_SPACE_MB * 1024 * 1024;

/** V8's own growth factor of the semi-spaces, which {@link growHeapForDrills} sets back. */
const V8_SEMI_SPACE_GROWTH = 2;

/** The young generation's flags: any of them, set by the user, leaves its size to them. */
const YOUNG_GENERATION: CommandFlag = {
  flag: `--semi-space-growth-factor=1`,
  setBy: YOUNG_GENERATION_SET_BY,
};

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

/**
 * The semi-spaces' growth factor for a young generation of `newSpaceBytes` (as V8 reports
 * `new_space`'s size): V8's own below the cap, 1 at or above it. V8 doubles the young generation
 * from 1 MB, so it stops at the cap itself.
 */
export function youngGenerationGrowth(newSpaceBytes: number): number {
  return newSpaceBytes >= YOUNG_GENERATION_CAP_BYTES ? 1 : V8_SEMI_SPACE_GROWTH;
}

/** Whether the young generation is the CLI's to size: neither Node's flags nor `NODE_OPTIONS` size it. */
export function sizesYoungGeneration(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): boolean {
  return unsetFlags([YOUNG_GENERATION], execArgv, nodeOptions).length > 0;
}

let grown = false;

/**
 * Sets V8's heap for drills in this process, once: called by the main thread when it opens its
 * drill pool, once the command's modules are loaded (V8's flags hold for every thread, and a
 * worker thread leaves them alone). The old generation's growth is set as a flag. Where the
 * drills run in this thread (`drillsHere`), its young generation is held at 16 MB semi-spaces by
 * watching its collections: a `PerformanceObserver` of `gc` entries, which Node delivers in the
 * event loop's next turn (through an immediate, which a subject's sandbox lets run:
 * src/subject/virtual-globals.ts), sets the growth factor that {@link youngGenerationGrowth}
 * gives. Not a `FinalizationRegistry` of an object of no use: V8's scavenges keep such objects,
 * and only a full collection frees them, which comes too late. What the user set, by Node's flags
 * or `NODE_OPTIONS`, is kept. The library's own `runDrill` leaves V8 as its caller set it.
 */
export function growHeapForDrills({
  drillsHere = true,
}: { readonly drillsHere?: boolean } = {}): void {
  // `worker_threads`, `v8` and `perf_hooks` are taken here, not imported: every command loads
  // this module as it starts, and only drills need them (loading them is a few milliseconds of
  // `--version`).
  if (grown || !process.getBuiltinModule('node:worker_threads').isMainThread) return;
  grown = true;
  const v8 = process.getBuiltinModule('node:v8');
  const flag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (flag !== undefined) v8.setFlagsFromString(flag);
  if (!drillsHere || !sizesYoungGeneration(process.execArgv, process.env.NODE_OPTIONS)) return;
  let growth = V8_SEMI_SPACE_GROWTH;
  const { PerformanceObserver } = process.getBuiltinModule('node:perf_hooks');
  new PerformanceObserver(() => {
    const newSpace = v8
      .getHeapSpaceStatistics()
      .find(({ space_name }) => space_name === 'new_space');
    const wanted = youngGenerationGrowth(newSpace?.space_size ?? 0);
    if (wanted === growth) return;
    growth = wanted;
    v8.setFlagsFromString(`--semi-space-growth-factor=${wanted}`);
  }).observe({ entryTypes: ['gc'] });
}
