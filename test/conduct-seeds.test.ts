/**
 * The conduct scenarios hold beyond their own seed. `npm run bench` sweeps each over seeds
 * 1..100; here each is drilled under the seeds that broke some conduct SLO before the fixes
 * their comments name (a healthy long answer cut by the 30 s attempt limit, four-chunk streams
 * that went quiet for longer than the idle limit, SLOs set on one seed's traffic tail), plus a
 * few more.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/scenario/load-scenario.js';
import { runDrill } from '../src/simulator/run-drill.js';

const DIR = 'scenarios/conduct';
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
const SEEDS = [2, 11, 14, 25, 40, 42, 66, 75, 79, 86, 92];

describe('conduct scenarios across seeds', () => {
  it.each(FILES)(
    '%s holds its SLOs under seeds %j',
    async (file) => {
      const scenario = loadScenario(join(DIR, file));
      const broken: string[] = [];
      for (const seed of SEEDS) {
        const report = await runDrill(scenario, { seed });
        for (const slo of report.slos)
          if (!slo.pass) broken.push(`seed ${seed}: ${slo.name} (actual ${slo.actual})`);
      }
      expect(broken).toEqual([]);
    },
    120_000,
  );
});
