#!/usr/bin/env node
/**
 * @module cli/bin
 * The executable behind `failover-drill` and `npx failover-drill`. A drilling command first
 * restarts with a heap sized for drills (see drill-heap.ts), and `validate` sets the V8 flags
 * that suit a brief command (see validate-flags.ts), before either loads anything else.
 */
import { restartForDrills } from './drill-heap.js';
import { setValidateFlags } from './validate-flags.js';

const argv = process.argv.slice(2);
restartForDrills(argv);
setValidateFlags(argv);
const { main } = await import('./main.js');
process.exitCode = await main(argv);
