/**
 * Start-up of the CLI: wall time and peak RSS of short commands, each as a ratio to a bare
 * `node -e 0` measured in the same run (median of `runs` spawns each).
 */
import { spawnSync } from 'node:child_process';

const ROOT = new URL('..', import.meta.url).pathname;
const PRELOAD = new URL('./max-rss.mjs', import.meta.url).pathname;
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

export function measure(name: string, args: readonly string[], runs: number): StartupFigure {
  const walls: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, ['--import', PRELOAD, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    walls.push(performance.now() - started);
    if (child.status !== 0) throw new Error(`${name} exited ${child.status}: ${child.stderr}`);
    const kb = /max-rss-kb (\d+)/.exec(child.stderr)?.[1];
    rss.push(Number(kb) / 1024);
  }
  return { name, ms: median(walls), rssMb: Math.round(median(rss)) };
}

/** `node -e 0` first, then the commands. */
export function startupFigures(runs: number): StartupFigure[] {
  return [
    measure('node -e 0', ['-e', '0'], runs),
    measure('--version', [BIN, '--version'], runs),
    measure('run --help', [BIN, 'run', '--help'], runs),
    measure('validate black-friday', [BIN, 'validate', 'scenarios/black-friday.yaml'], runs),
  ];
}

/** black-friday through the CLI, from a cold process, traces off. */
export function coldDrill(runs: number, outDir: string): StartupFigure {
  return measure(
    'black-friday via the CLI',
    [BIN, 'run', 'scenarios/black-friday.yaml', '--traces', 'off', '--out', outDir],
    runs,
  );
}
