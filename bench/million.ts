/**
 * Runs a 1,000,000-request drill (engine run only) in its own process and prints one JSON line:
 * throughput, peak RSS and memory samples as the run grows; then, after those are taken, the
 * size of its HTML report (with the baseline run for it).
 */
import { buildReport } from '../dist/report/build-report.js';
import { renderHtml } from '../dist/report/render-html.js';
import { growHeapForDrills } from '../dist/cli/drill-heap.js';
import { loadScenario } from '../dist/scenario/load-scenario.js';
import { simulatePlainClient } from '../dist/simulator/plain-client-baseline.js';
import { baselineConfig } from '../dist/simulator/run-drill.js';
import { simulate } from '../dist/simulator/simulate.js';

const file = new URL('./million.yaml', import.meta.url).pathname;
const scenario = loadScenario(file);
// The CLI's drill heap, set in the process as the CLI's drill pool sets it.
growHeapForDrills();
const samples: { done: number; rssMb: number; heapMb: number }[] = [];
let next = 0.1;
const started = performance.now();
const result = await simulate(scenario, scenario.failover, {
  seed: scenario.seed,
  onProgress: (done) => {
    if (done >= next) {
      const mem = process.memoryUsage();
      samples.push({
        done: Math.round(done * 100) / 100,
        rssMb: Math.round(mem.rss / 1e6),
        heapMb: Math.round(mem.heapUsed / 1e6),
      });
      next += 0.1;
    }
  },
});
const wallMs = performance.now() - started;
const peakRssMb = Math.round((process.resourceUsage().maxRSS * 1_024) / 1e6);
const baseline = simulatePlainClient(scenario, baselineConfig(scenario.failover), scenario.seed);
const html = renderHtml(
  buildReport({ scenario, seed: scenario.seed, engine: result, baseline, wallMs, replay: '' }),
);
process.stdout.write(
  `${JSON.stringify({
    requests: result.aggregate.requests.total,
    wallMs: Math.round(wallMs),
    perSecond: Math.round(result.aggregate.requests.total / (wallMs / 1_000)),
    // maxRSS is in KiB.
    peakRssMb,
    samples,
    htmlBytes: Buffer.byteLength(html),
  })}\n`,
);
