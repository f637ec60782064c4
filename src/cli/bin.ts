#!/usr/bin/env node
/**
 * @module cli/bin
 * The executable behind `failover-drill` and `npx failover-drill`.
 */
import { tuneHeap } from './heap.js';
import { main } from './main.js';

tuneHeap();
process.exitCode = await main(process.argv.slice(2));
