/**
 * `npm run bench`: simulator speed and memory, as ratios against bare msw `getResponse`
 * measured in the same run. Reports figures against the targets; never fails on them, since
 * wall-clock speed depends on the machine.
 */
import { spawnSync } from 'node:child_process';
import { loadScenario } from '../dist/scenario/load-scenario.js';
import { runDrill } from '../dist/simulator/run-drill.js';
import { simulate } from '../dist/simulator/simulate.js';
import { bareGetResponseRate } from './bare-get-response.ts';

const quick = process.argv.includes('--quick');
const mark = (ok: boolean): string => (ok ? 'meets target' : 'MISSES target');
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

console.log('failover-drill bench (node %s, %s)', process.version, quick ? 'quick' : 'full');

const bare = await bareGetResponseRate(quick ? 5_000 : 20_000);
console.log(
  `bare msw getResponse:           ${Math.round(bare).toLocaleString('en-US')} requests/s`,
);

const scenario = loadScenario(new URL('../scenarios/black-friday.yaml', import.meta.url).pathname);
const engineRates: number[] = [];
const drillWalls: number[] = [];
for (let i = 0; i < (quick ? 2 : 5); i++) {
  const started = performance.now();
  const engine = await simulate(scenario, scenario.failover, { seed: scenario.seed });
  engineRates.push(engine.aggregate.requests.total / ((performance.now() - started) / 1_000));
  drillWalls.push((await runDrill(scenario)).wallMs);
}
const engineRate = median(engineRates);
const drillWall = median(drillWalls);
console.log(
  `black-friday engine run:        ${Math.round(engineRate).toLocaleString('en-US')} simulated requests/s = ${(engineRate / bare).toFixed(2)}x bare getResponse (target >= 0.50: ${mark(engineRate / bare >= 0.5)})`,
);
console.log(
  `black-friday whole drill:       ${drillWall} ms wall for 1h simulated, engine + baseline = ${Math.round(3_600_000 / drillWall).toLocaleString('en-US')}x real time (target < 1000 ms: ${mark(drillWall < 1_000)})`,
);

if (!quick) {
  const child = spawnSync(process.execPath, [new URL('./million.ts', import.meta.url).pathname], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) {
    console.error(child.stderr);
    process.exit(3);
  }
  const million = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as {
    requests: number;
    wallMs: number;
    perSecond: number;
    peakRssMb: number;
    samples: { done: number; rssMb: number; heapMb: number }[];
  };
  console.log(
    `1,000,000-request run:          ${million.requests.toLocaleString('en-US')} requests in ${(million.wallMs / 1_000).toFixed(1)} s = ${million.perSecond.toLocaleString('en-US')}/s = ${(million.perSecond / bare).toFixed(2)}x bare getResponse`,
  );
  console.log(
    `  peak RSS:                     ${million.peakRssMb} MB (target < 512 MB: ${mark(million.peakRssMb < 512)})`,
  );
  console.log(
    `  memory as the run grows:      ${million.samples.map((s) => `${Math.round(s.done * 100)}%: ${s.rssMb} MB rss / ${s.heapMb} MB heap`).join(', ')}`,
  );
}
