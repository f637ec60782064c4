/**
 * The engine run and bare msw `getResponse` counted in CPU instructions per request, by valgrind's
 * cachegrind, where wall time cannot settle a few percent: on a shared machine the same drill's
 * wall time varies by a fifth from run to run, and the instruction count by 1-2%.
 *
 * Each side runs twice under cachegrind with different amounts of work (black-friday 1 and 3
 * times; 2,000 and 22,000 bare requests, each after 2,000 to warm up), and the difference in
 * instructions is divided by the difference in requests, so Node's start, loading, compiling and
 * the first drill's warm-up cancel out. V8 runs on one thread (`--single-threaded`), so its
 * compilers' and garbage collector's work is counted too, the same from run to run. Cache misses
 * and memory stalls are not counted: a change that only moves memory shows in wall time, not here.
 *
 * `node bench/instructions.ts [checkout] [--engine-only | --tracing]` prints the figures as JSON
 * for a checkout's build (default: this one), to compare two builds, e.g. a `git worktree` of an
 * older commit after `npx tsc -p tsconfig.build.json` in it; `--tracing`: what tracing costs a
 * whole drill instead. `npm run bench` prints both beside their wall-clock figures.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Instructions per request, or why they were not counted. */
export type InstructionFigures =
  | {
      readonly engine: number;
      readonly bare: number;
      /** Instructions of one warm black-friday engine run. */
      readonly drill: number;
      /** Instructions of a process's first engine run of black-friday, V8's compiling included. */
      readonly firstDrill: number;
      readonly requests: number;
    }
  | { readonly skipped: string };

const VALGRIND = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null'];

/**
 * V8 on one thread: its compilers and garbage collector then do their work where the count is
 * the same from run to run (bare getResponse counted 476-577 K instructions a request in four
 * runs with V8's helper threads, 512 and 517 K in two without).
 */
const NODE_FLAGS = ['--single-threaded', '--input-type=module'];

/** Instructions of one Node process running `code` (an ES module) under cachegrind. */
function countInstructions(
  code: string,
  flags: readonly string[] = [],
): Promise<{ instructions: number; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      'valgrind',
      [...VALGRIND, process.execPath, ...NODE_FLAGS, ...flags, '-e', code],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (status) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
      if (status !== 0 || refs?.[1] === undefined)
        fail(new Error(`cachegrind failed (${status}): ${stderr.slice(-600)}`));
      else done({ instructions: Number(refs[1].replaceAll(',', '')), stdout });
    });
  });
}

/** A module of `root`'s build, as a string literal for the code a count runs. */
const moduleUrl = (root: string, path: string): string =>
  JSON.stringify(pathToFileURL(`${root}/dist/${path}`).href);

const engineCode = (root: string, drills: number): string => `
  const { loadScenario } = await import(${moduleUrl(root, 'scenario/load-scenario.js')});
  const { simulate } = await import(${moduleUrl(root, 'simulator/simulate.js')});
  const scenario = loadScenario(${JSON.stringify(`${root}/scenarios/black-friday.yaml`)});
  let requests = 0;
  for (let i = 0; i < ${drills}; i++)
    requests = (await simulate(scenario, scenario.failover, { seed: scenario.seed })).aggregate.requests.total;
  console.log(requests);
`;

const bareCode = (requests: number): string => `
  const { bareGetResponseRate } = await import(${JSON.stringify(new URL('./bare-get-response.ts', import.meta.url).href)});
  await bareGetResponseRate(${requests});
`;

/** The share of requests traced: none, all, and 1%. */
const TRACING_SAMPLES = { off: undefined, full: 1, sampled: 0.01 } as const;
type TracingVariant = keyof typeof TRACING_SAMPLES;

/** Instructions of one warm whole drill of black-friday, untraced and traced, or why not counted. */
export type TracingInstructions =
  | { readonly off: number; readonly full: number; readonly sampled: number }
  | { readonly skipped: string };

/**
 * Whole drills of black-friday (engine run, baseline, report) as the CLI runs them, with its drill
 * heap, traced as `variant` says into a temporary folder.
 */
const tracedDrillCode = (root: string, variant: TracingVariant, drills: number): string => `
  const { growHeapForDrills } = await import(${moduleUrl(root, 'cli/drill-heap.js')});
  const { loadScenario } = await import(${moduleUrl(root, 'scenario/load-scenario.js')});
  const { runDrill } = await import(${moduleUrl(root, 'simulator/run-drill.js')});
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const scenario = loadScenario(${JSON.stringify(`${root}/scenarios/black-friday.yaml`)});
  growHeapForDrills();
  const dir = mkdtempSync(join(tmpdir(), 'failover-drill-instructions-'));
  const sample = ${JSON.stringify(TRACING_SAMPLES[variant] ?? null)};
  const telemetry = sample === null ? undefined : { dir, sample };
  for (let i = 0; i < ${drills}; i++) await runDrill(scenario, { telemetry });
  rmSync(dir, { recursive: true, force: true });
`;

/**
 * The two amounts of work on each side: drills of black-friday, and bare requests. A process that
 * loads the same modules and drills none gives the first drill's own count.
 */
const DRILLS = [1, 3] as const;
const BARE_REQUESTS = [2_000, 22_000] as const;

/** Why the counts cannot be taken here, if they cannot. */
function withoutValgrind(): { readonly skipped: string } | undefined {
  return spawnSync('valgrind', ['--version']).status === 0
    ? undefined
    : { skipped: 'valgrind is not installed (Debian: apt-get install -y valgrind)' };
}

/** Two processes at a time: the machine's two cores. */
async function pairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < jobs.length; i += 2)
    results.push(...(await Promise.all(jobs.slice(i, i + 2).map((job) => job()))));
  return results;
}

/**
 * Counts both sides for the build in `root` (a checkout with `dist/` built); with `bare: false`,
 * only the engine run, to compare builds (the bare side is this checkout's either way).
 */
export async function instructionsPerRequest(
  root: string = resolve(new URL('..', import.meta.url).pathname),
  { bare = true }: { readonly bare?: boolean } = {},
): Promise<InstructionFigures> {
  const missing = withoutValgrind();
  if (missing !== undefined) return missing;
  const [oneDrill, threeDrills, noDrill, bareShort, bareLong] = await pairs([
    () => countInstructions(engineCode(root, DRILLS[0])),
    () => countInstructions(engineCode(root, DRILLS[1])),
    () => countInstructions(engineCode(root, 0)),
    ...(bare
      ? [
          () => countInstructions(bareCode(BARE_REQUESTS[0])),
          () => countInstructions(bareCode(BARE_REQUESTS[1])),
        ]
      : []),
  ]);
  if (oneDrill === undefined || threeDrills === undefined || noDrill === undefined)
    return { skipped: 'a count is missing' };
  const requests = Number(threeDrills.stdout.trim());
  const drill = (threeDrills.instructions - oneDrill.instructions) / (DRILLS[1] - DRILLS[0]);
  return {
    engine: drill / requests,
    bare:
      bareShort === undefined || bareLong === undefined
        ? Number.NaN
        : (bareLong.instructions - bareShort.instructions) / (BARE_REQUESTS[1] - BARE_REQUESTS[0]),
    drill,
    firstDrill: oneDrill.instructions - noDrill.instructions,
    requests,
  };
}

/**
 * What tracing costs a warm whole drill of black-friday in instructions: the drill untraced,
 * traced in full and at 1%, each counted after one drill and after three, the difference halved.
 * The garbage collector's work is counted (V8 on one thread); the writing of the files in the
 * kernel is not.
 */
export async function tracingInstructions(
  root: string = resolve(new URL('..', import.meta.url).pathname),
): Promise<TracingInstructions> {
  const missing = withoutValgrind();
  if (missing !== undefined) return missing;
  // The CLI's drill heap: the child code calls growHeapForDrills, as the CLI's drill pool does.
  const perDrill = async (variant: TracingVariant): Promise<number> => {
    const [one, three] = await Promise.all(
      DRILLS.map((drills) => countInstructions(tracedDrillCode(root, variant, drills))),
    );
    return (
      ((three?.instructions ?? Number.NaN) - (one?.instructions ?? Number.NaN)) /
      (DRILLS[1] - DRILLS[0])
    );
  };
  // One variant at a time, its two counts side by side: the machine's two cores.
  const off = await perDrill('off');
  const full = await perDrill('full');
  const sampled = await perDrill('sampled');
  return { off, full, sampled };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const checkout = args.find((a) => !a.startsWith('--'));
  const root = checkout === undefined ? undefined : resolve(checkout);
  const figures = args.includes('--tracing')
    ? await tracingInstructions(root)
    : await instructionsPerRequest(root, { bare: !args.includes('--engine-only') });
  console.log(JSON.stringify(figures));
}
