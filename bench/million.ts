/**
 * Runs a 1,000,000-request drill (engine run only) in its own process and prints one JSON line:
 * throughput, peak RSS and memory samples as the run grows.
 */
import { loadScenario } from '../dist/scenario/load-scenario.js';
import { simulate } from '../dist/simulator/simulate.js';

const file = new URL('./million.yaml', import.meta.url).pathname;
const scenario = loadScenario(file);
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
process.stdout.write(
  `${JSON.stringify({
    requests: result.aggregate.requests.total,
    wallMs: Math.round(wallMs),
    perSecond: Math.round(result.aggregate.requests.total / (wallMs / 1_000)),
    // maxRSS is in KiB.
    peakRssMb: Math.round((process.resourceUsage().maxRSS * 1_024) / 1e6),
    samples,
  })}\n`,
);
