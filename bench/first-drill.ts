/**
 * black-friday's first drill in a fresh process, with no CLI around it: prints its wall time in ms.
 * The cold CLI's time less this is start-up, loading and report writing; this less the warm drill
 * is the JIT's warm-up.
 */
import { growHeapForDrills } from '../dist/cli/drill-heap.js';
import { loadScenario } from '../dist/scenario/load-scenario.js';
import { runDrill } from '../dist/simulator/run-drill.js';

const scenario = loadScenario(new URL('../scenarios/black-friday.yaml', import.meta.url).pathname);
// The rest of the CLI's drill heap: its flags are given to this process by bench/run.ts.
growHeapForDrills();
process.stdout.write(`${(await runDrill(scenario)).wallMs}\n`);
