// Preloaded with `node --import`: at exit, prints to stderr one line naming every package the
// process loaded (`loaded-packages: […]`), so a test can hold a command to what it needs, and one
// with the files outside packages it loaded (`loaded-files: […]`), and one with the flags Node ran
// it with (`exec-argv: […]`), and one with the young generation's size at exit in bytes
// (`new-space: N`), and one with the Node built-ins it loaded (`loaded-builtins: […]`, internal
// ones included). A chunk of the bundled CLI (dist/bin/) counts for the packages its source map
// names. The recorder takes its own built-ins with `process.getBuiltinModule`: an `import` of
// `node:fs` would load the file streams itself.
/* global process */
const { existsSync, readFileSync } = process.getBuiltinModule('node:fs');
const { registerHooks } = process.getBuiltinModule('node:module');
const { fileURLToPath } = process.getBuiltinModule('node:url');

const PACKAGE = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//;
const packages = new Set();
const files = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    const match = PACKAGE.exec(result.url);
    if (match !== null) packages.add(match[1]);
    else if (result.url.startsWith('file:')) files.add(fileURLToPath(result.url));
    return result;
  },
});
process.on('exit', () => {
  // Read before the recorder's own reading below loads anything more.
  const builtins = process.moduleLoadList
    .filter((entry) => entry.startsWith('NativeModule '))
    .map((entry) => entry.slice('NativeModule '.length));
  for (const file of files) {
    if (!existsSync(`${file}.map`)) continue;
    const { sources } = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
    for (const source of sources) {
      const match = PACKAGE.exec(`/${source}`);
      if (match !== null) packages.add(match[1]);
    }
  }
  process.stderr.write(`loaded-packages: ${JSON.stringify([...packages].sort())}\n`);
  process.stderr.write(`loaded-files: ${JSON.stringify([...files])}\n`);
  process.stderr.write(`exec-argv: ${JSON.stringify(process.execArgv)}\n`);
  process.stderr.write(`loaded-builtins: ${JSON.stringify(builtins)}\n`);
  const { getHeapSpaceStatistics } = process.getBuiltinModule('node:v8');
  const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  process.stderr.write(`new-space: ${newSpace?.space_size ?? 0}\n`);
});
