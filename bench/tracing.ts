/**
 * The cost of tracing black-friday, in a process of its own with the heap the CLI gives a drill
 * (src/cli/drill-heap.ts), away from the bench's other drills. Drills untraced, traced in full
 * and sampled at 1% as the CLI traces a drill it runs in its main thread (on the telemetry
 * thread where there is a second core and enough of the drill is traced: src/cli/drill-pool.ts),
 * and traced in full in the drill's own thread (the library's default, and a pool worker's), run
 * in rotating order; each round gives a traced/untraced ratio, and each figure is the median of
 * those ratios, so a drift in the machine's speed hits both sides of each ratio alike. The same
 * rounds give CPU-time ratios (the whole process's: the telemetry thread, and the helper
 * threads' garbage collection and compiling, included): time the process spends waiting for a
 * core that another process holds counts in wall time, not in CPU time. Then, counted from
 * inside, in this thread: the time spent in the telemetry's own handlers (spans, metrics), in
 * serialising and writing each batch of spans (an export runs in a promise continuation after
 * the handler that filled its batch) and in its end, steadier than wall-clock ratios on a noisy
 * machine, though it leaves out the garbage collector's share.
 * Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { growHeapForDrills } from '../dist/cli/drill-heap.js';
import { telemetryBeside } from '../dist/cli/drill-pool.js';
import { loadScenario } from '../dist/scenario/load-scenario.js';
import { runDrill } from '../dist/simulator/run-drill.js';
import { simulate } from '../dist/simulator/simulate.js';
import { DrillTelemetry } from '../dist/telemetry/drill-telemetry.js';
import { JsonlFile } from '../dist/telemetry/otlp-jsonl-file.js';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';

const rounds = Number(process.argv[2] ?? 11);
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const scenario = loadScenario(new URL('../scenarios/black-friday.yaml', import.meta.url).pathname);
// The CLI's drill heap, set in the process as the CLI's drill pool sets it.
growHeapForDrills();
const traceDir = mkdtempSync(join(tmpdir(), 'failover-drill-tracing-'));
// Traced as the CLI traces a drill it runs in its main thread: on the telemetry thread where
// there is a core for it and enough of the drill is traced (src/cli/drill-pool.ts).
const asTheCli = (telemetry: { dir: string; sample?: number }) =>
  telemetryBeside()({ row: 0, column: 0, telemetry }).telemetry ?? telemetry;
const variants = {
  off: {},
  full: { telemetry: asTheCli({ dir: traceDir }) },
  sampled: { telemetry: asTheCli({ dir: traceDir, sample: 0.01 }) },
  // In full, in the drill's own thread, as the library does unless asked (and a pool's workers).
  fullHere: { telemetry: { dir: traceDir } },
} as const;
type Variant = keyof typeof variants;
const order: Variant[] = ['off', 'full', 'sampled', 'fullHere'];
const threaded = (variant: Variant): boolean =>
  (variants[variant] as { telemetry?: { thread?: boolean } }).telemetry?.thread === true;
// One of each first, so that every variant's code is loaded and compiled before it is timed.
for (const variant of order) await runDrill(scenario, variants[variant]);
const ratios = { full: [] as number[], sampled: [] as number[], fullHere: [] as number[] };
const cpuRatios = { full: [] as number[], sampled: [] as number[], fullHere: [] as number[] };
const walls = {
  off: [] as number[],
  full: [] as number[],
  sampled: [] as number[],
  fullHere: [] as number[],
};
for (let round = 0; round < rounds; round++) {
  const wall: Partial<Record<Variant, number>> = {};
  const cpu: Partial<Record<Variant, number>> = {};
  for (let k = 0; k < order.length; k++) {
    const variant = order[(round + k) % order.length] as Variant;
    const before = process.cpuUsage();
    wall[variant] = (await runDrill(scenario, variants[variant])).wallMs;
    const used = process.cpuUsage(before);
    cpu[variant] = used.user + used.system;
    walls[variant].push(wall[variant]);
  }
  for (const variant of ['full', 'sampled', 'fullHere'] as const) {
    ratios[variant].push((wall[variant] ?? 0) / (wall.off ?? 1));
    cpuRatios[variant].push((cpu[variant] ?? 0) / (cpu.off ?? 1));
  }
}

const inside = async (sample: number): Promise<number> => {
  const telemetry = new DrillTelemetry({
    scenario: scenario.name,
    seed: 42,
    dir: traceDir,
    sample,
  });
  let spent = 0;
  // Timed calls may nest (the last batch is serialised within finish()): only the outermost counts.
  let depth = 0;
  const timed = <T, A extends unknown[], R>(fn: (this: T, ...args: A) => R) =>
    function (this: T, ...args: A): R {
      const start = depth++ === 0 ? performance.now() : 0;
      try {
        return fn.apply(this, args);
      } finally {
        if (--depth === 0) spent += performance.now() - start;
      }
    };
  // The originals, put back once this drill is counted.
  const serializeRequest = Object.getOwnPropertyDescriptor(JsonTraceSerializer, 'serializeRequest')
    ?.value as typeof JsonTraceSerializer.serializeRequest;
  const writeLine = Object.getOwnPropertyDescriptor(JsonlFile.prototype, 'writeLine')?.value as (
    this: JsonlFile,
    bytes: Uint8Array,
  ) => void;
  JsonTraceSerializer.serializeRequest = timed(serializeRequest);
  JsonlFile.prototype.writeLine = timed(writeLine);
  try {
    await simulate(scenario, scenario.failover, {
      seed: scenario.seed,
      onEvent: timed(telemetry.onEvent),
      onBill: timed(telemetry.onBill),
    });
    const start = performance.now();
    depth++;
    await telemetry.finish();
    depth--;
    return spent + performance.now() - start;
  } finally {
    JsonTraceSerializer.serializeRequest = serializeRequest;
    JsonlFile.prototype.writeLine = writeLine;
  }
};
const insideFull = median([await inside(1), await inside(1), await inside(1)]);
const insideSampled = median([await inside(0.01), await inside(0.01), await inside(0.01)]);
rmSync(traceDir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    rounds,
    offMs: median(walls.off),
    fullMs: median(walls.full),
    sampledMs: median(walls.sampled),
    fullHereMs: median(walls.fullHere),
    full: median(ratios.full),
    sampled: median(ratios.sampled),
    fullHere: median(ratios.fullHere),
    fullCpu: median(cpuRatios.full),
    sampledCpu: median(cpuRatios.sampled),
    fullHereCpu: median(cpuRatios.fullHere),
    fullThreaded: threaded('full'),
    sampledThreaded: threaded('sampled'),
    insideFullMs: Math.round(insideFull),
    insideSampledMs: Math.round(insideSampled),
  })}\n`,
);
