#!/usr/bin/env node
/**
 * @module cli/bin
 * The executable behind `failover-drill` and `npx failover-drill`. A drilling command first
 * restarts with a young generation sized for drills (see young-generation.ts), before it loads
 * anything else.
 */
import { restartForDrills } from './young-generation.js';

const argv = process.argv.slice(2);
restartForDrills(argv);
const { main } = await import('./main.js');
process.exitCode = await main(argv);
