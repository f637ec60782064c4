/**
 * The drill heap's trade: one drill with many requests in flight (the first 12 minutes of
 * million.yaml, about 200,000 requests, hundreds at once) in a process with V8's defaults, in one
 * with the CLI's young generation alone (as Node's flag), and in one with the CLI's whole drill
 * heap (src/cli/drill-heap.ts: the young generation held by its growth factor, and the old
 * generation's growth, both set in the process), in turn. Prints one JSON line: each one's wall time, CPU time and peak
 * RSS (medians of `runs` rounds).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEMI_SPACE_MB } from '../dist/cli/drill-heap.js';

const runs = Number(process.argv[2] ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'failover-drill-young-'));
const file = join(dir, 'crowded.yaml');
writeFileSync(
  file,
  readFileSync(new URL('./million.yaml', import.meta.url), 'utf8')
    .replace('duration: 1h', 'duration: 12m')
    .replace('at: 20m, for: 10m', 'at: 4m, for: 2m'),
);
const drill = (grow: boolean): string => `
import { growHeapForDrills } from ${JSON.stringify(new URL('../dist/cli/drill-heap.js', import.meta.url).href)};
import { loadScenario } from ${JSON.stringify(new URL('../dist/scenario/load-scenario.js', import.meta.url).href)};
import { simulate } from ${JSON.stringify(new URL('../dist/simulator/simulate.js', import.meta.url).href)};
const scenario = loadScenario(${JSON.stringify(file)});
if (${grow}) growHeapForDrills();
const started = performance.now();
const result = await simulate(scenario, scenario.failover, { seed: 1 });
const { user, system } = process.cpuUsage();
console.log(JSON.stringify({ requests: result.aggregate.requests.total, ms: Math.round(performance.now() - started), cpuMs: Math.round((user + system) / 1000), rssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
`;
interface Figure {
  requests: number;
  ms: number;
  cpuMs: number;
  rssMb: number;
}
const one = (flags: readonly string[], grow = false): Figure => {
  const child = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', drill(grow)], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout.trim()) as Figure;
};
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const defaults: Figure[] = [];
const young: Figure[] = [];
const sized: Figure[] = [];
for (let i = 0; i < runs; i++) {
  defaults.push(one([]));
  young.push(one([`--max-semi-space-size=${SEMI_SPACE_MB}`]));
  sized.push(one([], true));
}
rmSync(dir, { recursive: true, force: true });
const summary = (xs: Figure[]) => ({
  requests: xs[0]?.requests ?? 0,
  ms: median(xs.map((x) => x.ms)),
  cpuMs: median(xs.map((x) => x.cpuMs)),
  rssMb: median(xs.map((x) => x.rssMb)),
});
process.stdout.write(
  `${JSON.stringify({ defaults: summary(defaults), young: summary(young), sized: summary(sized) })}\n`,
);
