#!/usr/bin/env node
/**
 * @module cli/bin
 * The executable behind `failover-drill` and `npx failover-drill`. A drilling command first
 * restarts with a heap sized for drills (see drill-heap.ts), before it loads anything else.
 */
import { restartForDrills } from './drill-heap.js';

const argv = process.argv.slice(2);
restartForDrills(argv);
const { main } = await import('./main.js');
process.exitCode = await main(argv);
