/**
 * A process that only drills: black-friday twice to warm up, then once more for each message its
 * parent sends, answering with the drill's {@link DrillCost}. The cold drill's yardstick: the
 * bench's own process has run subject drills and CLI sweeps by then, and a warm drill there ran
 * 1.6× slower than at the bench's start.
 */
import { loadScenario } from '../dist/scenario/load-scenario.js';
import { runDrill } from '../dist/simulator/run-drill.js';
import type { DrillCost } from './startup.ts';

const scenario = loadScenario(new URL('../scenarios/black-friday.yaml', import.meta.url).pathname);
for (let i = 0; i < 2; i++) await runDrill(scenario);
process.on('message', () => {
  const cpu = process.cpuUsage();
  const faults = process.resourceUsage().minorPageFault;
  void runDrill(scenario).then((report) => {
    const { user, system } = process.cpuUsage(cpu);
    const cost: DrillCost = {
      ms: report.wallMs,
      userMs: user / 1_000,
      systemMs: system / 1_000,
      faults: process.resourceUsage().minorPageFault - faults,
    };
    process.send?.(cost);
  });
});
process.send?.('ready');
