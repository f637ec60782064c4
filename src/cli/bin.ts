#!/usr/bin/env node
/**
 * @module cli/bin
 * The executable behind `failover-drill` and `npx failover-drill`.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
