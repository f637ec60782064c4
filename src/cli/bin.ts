#!/usr/bin/env node
/**
 * @module cli/bin
 * The executable behind `failover-drill` and `npx failover-drill`. `validate` sets the V8 flags
 * that suit a brief command (see validate-flags.ts) before it loads anything else; a drilling
 * command sizes V8's heap for drills once its modules are loaded (see drill-heap.ts). Output
 * the CLI cannot write (`| head`, `> /dev/full`) does not stop a command (see closed-output.ts).
 * On a Node older than the CLI needs it says so in one line and exits 3 (see node-version.ts).
 */
import { lostOutput, watchOutput } from './closed-output.js';
import { EXIT } from './exit-codes.js';
import { nodeTooOld } from './node-version.js';
import { setValidateFlags } from './validate-flags.js';

const tooOld = nodeTooOld(process.versions.node);
if (tooOld !== undefined) {
  process.stderr.write(`${tooOld}\n`);
  process.exit(EXIT.harness);
}
const argv = process.argv.slice(2);
setValidateFlags(argv);
watchOutput(process.stdout, 'stdout');
watchOutput(process.stderr, 'stderr');
const { main } = await import('./main.js');
const code = await main(argv);
const lost = await lostOutput();
if (lost !== undefined) process.stderr.write(`${lost}\n`);
process.exitCode = lost === undefined ? code : EXIT.harness;
