// Preloaded with `node --import`: at exit, prints to stderr one line naming every package the
// process loaded (`loaded-packages: […]`), so a test can hold a command to what it needs, and one
// with the flags Node ran it with (`exec-argv: […]`).
import { registerHooks } from 'node:module';
import process from 'node:process';

const packages = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(result.url);
    if (match !== null) packages.add(match[1]);
    return result;
  },
});
process.on('exit', () => {
  process.stderr.write(`loaded-packages: ${JSON.stringify([...packages].sort())}\n`);
  process.stderr.write(`exec-argv: ${JSON.stringify(process.execArgv)}\n`);
});
