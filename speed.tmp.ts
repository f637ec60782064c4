import { loadScenario } from './dist/scenario/load-scenario.js';
import { simulate } from './dist/simulator/simulate.js';
import { bareGetResponseRate } from './bench/bare-get-response.ts';
const scenario = loadScenario('scenarios/black-friday.yaml');
const rates: number[] = [];
const bares: number[] = [];
for (let i = 0; i < 5; i++) {
  bares.push(await bareGetResponseRate(10_000));
  const t = performance.now();
  const r = await simulate(scenario, scenario.failover, { seed: scenario.seed });
  rates.push(r.aggregate.requests.total / ((performance.now() - t) / 1000));
}
const med = (x: number[]) => [...x].sort((a, b) => a - b)[2]!;
console.log('bare', Math.round(med(bares)), 'engine', Math.round(med(rates)), 'ratio', (med(rates) / med(bares)).toFixed(3));
