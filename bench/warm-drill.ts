/**
 * A process that only drills: black-friday twice to warm up, then once more for each message its
 * parent sends, answering with the drill's wall time in ms. The cold drill's yardstick: the bench's
 * own process has run subject drills and CLI sweeps by then, and a warm drill there ran 1.6× slower
 * than at the bench's start.
 */
import { loadScenario } from '../dist/scenario/load-scenario.js';
import { runDrill } from '../dist/simulator/run-drill.js';

const scenario = loadScenario(new URL('../scenarios/black-friday.yaml', import.meta.url).pathname);
for (let i = 0; i < 2; i++) await runDrill(scenario);
process.on('message', () => {
  void runDrill(scenario).then((report) => process.send?.(report.wallMs));
});
process.send?.('ready');
