import { loadScenario } from './dist/scenario/load-scenario.js';
import { simulate } from './dist/simulator/simulate.js';
const scenario = loadScenario('scenarios/black-friday.yaml');
for (let i = 0; i < 4; i++) {
  const t = performance.now();
  const r = await simulate(scenario, scenario.failover, { seed: scenario.seed });
  console.log(r.aggregate.requests.total, Math.round(performance.now() - t));
}
