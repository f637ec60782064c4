/**
 * Start-up of the CLI: wall time and peak RSS of short commands, each as a ratio to a bare
 * `node -e 0` run beside it in the same round (median of the rounds), and a cold drill.
 */
import { fork, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
/** The preload that reports a process's peak RSS, CPU time and page faults as it exits. */
export const PRELOAD = new URL('./max-rss.mjs', import.meta.url).pathname;
/** The shipped CLI, as package.json's bin names it, from the project root. */
const BIN = 'dist/bin/failover-drill.js';

export interface StartupFigure {
  readonly name: string;
  readonly ms: number;
  readonly rssMb: number;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
}

/**
 * What a run cost: wall time, CPU time (every thread's) in the process and in the kernel, and
 * minor page faults, the first touches of memory the kernel had to map, in ms and counts.
 */
export interface DrillCost {
  readonly ms: number;
  readonly userMs: number;
  readonly systemMs: number;
  readonly faults: number;
}

/** One spawn of Node with these arguments: its cost and peak RSS. */
function spawnOnce(name: string, args: readonly string[]): DrillCost & { rssMb: number } {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', PRELOAD, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`${name} exited ${child.status}: ${child.stderr}`);
  return { ms, ...preloadFigures(child.stderr) };
}

/** What {@link PRELOAD} printed as its process exited, from the process's stderr. */
export function preloadFigures(stderr: string): Omit<DrillCost, 'ms'> & {
  readonly rssMb: number;
  /** CPU time of all threads, in the process and in the kernel. */
  readonly cpuMs: number;
} {
  const figure = (key: string): number =>
    Number(new RegExp(`${key} (\\d+)`).exec(stderr)?.[1] ?? Number.NaN);
  const userMs = figure('user-ms');
  const systemMs = figure('system-ms');
  return {
    rssMb: figure('max-rss-kb') / 1024,
    userMs,
    systemMs,
    cpuMs: userMs + systemMs,
    faults: figure('minor-faults'),
  };
}

/** A short command's start-up: its median, and each of its runs against `node -e 0` beside it. */
export interface CommandFigure extends StartupFigure {
  /** The run's wall time over the `node -e 0` of the same round: median of the rounds. */
  readonly ratio: number;
}

/**
 * `node -e 0` and each command once a round, `rounds` times, in the same order. Each command's
 * ratio is the median of its rounds' ratios to the `node -e 0` of the same round, so a stretch
 * when the machine runs slower weighs on both sides of a ratio; measured in blocks of seven runs
 * a command, `validate` read anywhere from 3.4x to 4.3x with the same code.
 */
export function startupFigures(rounds: number): CommandFigure[] {
  const commands: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['--version', [BIN, '--version']],
    ['run --help', [BIN, 'run', '--help']],
    ['validate black-friday', [BIN, 'validate', 'scenarios/black-friday.yaml']],
  ];
  // Each round: `node -e 0` first, then every command, each spawned once.
  const byRound = Array.from({ length: rounds }, () =>
    commands.map(([name, args]) => spawnOnce(name, args)),
  );
  return commands.map(([name], k) => {
    const runs = byRound.map((round) => ({ run: round[k]!, yardstick: round[0]! }));
    return {
      name,
      ms: median(runs.map(({ run }) => run.ms)),
      rssMb: Math.round(median(runs.map(({ run }) => run.rssMb))),
      ratio: median(runs.map(({ run, yardstick }) => run.ms / yardstick.ms)),
    };
  });
}

/** A cold drill through the CLI, and how much of it was the drill itself. */
export interface ColdDrill extends StartupFigure {
  /** The drill's own time (engine, baseline, report) by its report's `wallMs`: median, in ms. */
  readonly drillMs: number;
  /** Each run's wall time less its drill's own (Node's start, loading, files): median, in ms. */
  readonly restMs: number;
  /** The warm drill run beside each cold one: median, in ms. */
  readonly warmMs: number;
  /** Each cold run against the warm drill beside it: median of the ratios. */
  readonly ratio: number;
  /** Each cold run's drill itself against the warm drill beside it: median of the ratios. */
  readonly drillRatio: number;
  /** Medians of the cold runs' CPU time and page faults (the whole process: start to exit). */
  readonly coldCost: Omit<DrillCost, 'ms'>;
  /** Medians of the warm drills' CPU time and page faults (the drill alone). */
  readonly warmCost: Omit<DrillCost, 'ms'>;
}

/** The medians of some runs' CPU time and page faults. */
function medianCost(runs: readonly DrillCost[]): Omit<DrillCost, 'ms'> {
  return {
    userMs: median(runs.map((r) => r.userMs)),
    systemMs: median(runs.map((r) => r.systemMs)),
    faults: median(runs.map((r) => r.faults)),
  };
}

/**
 * black-friday through the CLI, from a cold process, traces off. Each run's report.json gives the
 * drill's own time in that same run, so the rest of the run is start-up, loading and writing.
 * Each cold run is paired with a warm drill right after it (`warm`, its wall time in ms), and the
 * ratios are taken pair by pair, so a slow stretch of the machine weighs on both sides of a ratio
 * instead of flattering or damning all of them.
 */
export async function coldDrill(
  runs: number,
  outDir: string,
  warm: () => Promise<DrillCost>,
): Promise<ColdDrill> {
  const name = 'black-friday via the CLI';
  const pairs = [];
  for (let i = 0; i < runs; i++) {
    const spawn = spawnOnce(name, [
      BIN,
      'run',
      'scenarios/black-friday.yaml',
      '--traces',
      'off',
      '--out',
      outDir,
    ]);
    const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as {
      wallMs: number;
    };
    pairs.push({ ...spawn, drillMs: report.wallMs, warm: await warm() });
  }
  return {
    name,
    ms: median(pairs.map((s) => s.ms)),
    rssMb: Math.round(median(pairs.map((s) => s.rssMb))),
    drillMs: median(pairs.map((s) => s.drillMs)),
    restMs: Math.round(median(pairs.map((s) => s.ms - s.drillMs))),
    warmMs: median(pairs.map((s) => s.warm.ms)),
    ratio: median(pairs.map((s) => s.ms / s.warm.ms)),
    drillRatio: median(pairs.map((s) => s.drillMs / s.warm.ms)),
    coldCost: medianCost(pairs),
    warmCost: medianCost(pairs.map((s) => s.warm)),
  };
}

/**
 * A warm drill on call, in a process of its own that only drills (bench/warm-drill.ts): `drill`
 * runs one and gives its cost; `close` ends the process.
 */
export async function warmDriller(): Promise<{
  drill: () => Promise<DrillCost>;
  close: () => void;
}> {
  const child = fork(new URL('./warm-drill.ts', import.meta.url).pathname, [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = (): Promise<unknown> =>
    new Promise((done, fail) => {
      const onExit = (code: number | null): void => fail(new Error(`warm drill exited: ${code}`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        done(message);
      });
    });
  await next(); // 'ready', once warmed up
  return {
    drill: async () => {
      const reply = next();
      child.send('drill');
      return (await reply) as DrillCost;
    },
    close: () => child.kill(),
  };
}
