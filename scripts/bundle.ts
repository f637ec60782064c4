/**
 * Bundles the shipped CLI (`npm run build`, after `tsc`): `dist/bin/failover-drill.js` and the
 * chunks it imports lazily, one per command's needs, from the compiled `dist/`.
 *
 * Why a bundle: Node's ES module loader pays for every file it resolves and compiles, and the
 * CLI's packages come in hundreds of them (zod 95, yaml 72, msw and its helpers 40, the
 * OpenTelemetry SDK more). Bundled, `validate` loads 12 files instead of 215, in 0.7x the time
 * and with 13 MB less (`npm run bench` measures start-up; docs/benchmark.md). The library's
 * entry points (`failover-drill`, `/engine`, `/testing`, `/subject`) stay the plain compiled
 * modules.
 */
import { chmodSync, rmSync } from 'node:fs';
import { build, type Plugin } from 'rolldown';

const ENTRY = 'dist/bin/failover-drill.js';

/**
 * Built-ins a chunk imports whole and calls only on a path few commands take: commander's
 * `child_process`, for subcommands that are executables of their own, which this CLI has none of.
 * Loading it loads `net` and `dgram` too.
 */
const LAZY_BUILTINS = new Set(['node:child_process']);

/** `import { a, b as c } from "node:x";` and `import x from "node:x";`, as rolldown writes them. */
const NAMED_IMPORT = /^import \{([^}]*)\} from "(node:[\w/]+)";$/;
const DEFAULT_IMPORT = /^import ([\w$]+) from "(node:[\w/]+)";$/;

/**
 * Each Node built-in a chunk imports, taken with `process.getBuiltinModule` instead of an
 * `import`. An `import` of a built-in makes Node build an ES module facade of it, which reads
 * every export once: for `node:fs` that runs the lazy getters of `fs.ReadStream` and
 * `fs.promises`, which load the file streams, the promise API and readline, none of which the
 * CLI uses. The statement is replaced line for line, so the source map's lines still hold.
 * With `child_process` deferred (above), and `worker_threads` and `v8` taken where they are used
 * (src/cli/drill-heap.ts, src/cli/validate-flags.ts), `validate scenarios/black-friday.yaml` took
 * 0.87x the time of the build before and `--version` 0.86x (docs/benchmark.md, Start-up).
 */
function builtinsWithoutFacades(): Plugin {
  return {
    name: 'builtins-without-facades',
    renderChunk(code, chunk) {
      const lines = code.split('\n').map((line) => {
        if (!line.startsWith('import ') || !line.includes('"node:')) return line;
        const named = NAMED_IMPORT.exec(line);
        if (named !== null) {
          const [, names = '', id = ''] = named;
          if (LAZY_BUILTINS.has(id))
            throw new Error(`${chunk.fileName}: ${id} is deferred, so import it whole: ${line}`);
          const bindings = names
            .split(',')
            .map((name) => name.trim())
            .filter((name) => name !== '')
            .map((name) => name.replace(/^([\w$]+) as ([\w$]+)$/, '$1: $2'));
          return `const { ${bindings.join(', ')} } = process.getBuiltinModule("${id}");`;
        }
        const whole = DEFAULT_IMPORT.exec(line);
        if (whole !== null) {
          const [, binding = '', id = ''] = whole;
          return LAZY_BUILTINS.has(id)
            ? `const ${binding} = new Proxy({}, { get: (_, key) => process.getBuiltinModule("${id}")[key] });`
            : `const ${binding} = process.getBuiltinModule("${id}");`;
        }
        throw new Error(
          `${chunk.fileName}: a built-in imported in a form the bundle does not rewrite: ${line}`,
        );
      });
      // The lines stay where they were, so the chunk's source map holds as it is (`map: null`).
      return { code: lines.join('\n'), map: null };
    },
  };
}

// Chunks are named by content: drop the last build's.
rmSync('dist/bin', { recursive: true, force: true });

await build({
  input: {
    'failover-drill': 'dist/cli/bin.js',
    // A pool's worker threads load this file, beside the chunks (src/cli/drill-pool.ts).
    'drill-worker': 'dist/cli/drill-worker.js',
    // The telemetry thread loads this file, beside the chunks (src/telemetry/telemetry-thread.ts).
    'telemetry-worker': 'dist/telemetry/telemetry-worker.js',
  },
  platform: 'node',
  // Piscina starts its own worker script by a path next to its files, so it stays a package.
  external: ['piscina'],
  plugins: [builtinsWithoutFacades()],
  onLog(level, log, handler) {
    // hdr-histogram-js reaches zlib through `eval('require("zlib")')`, for encoding histograms,
    // which the drill never does.
    if (log.code === 'EVAL' && log.id?.includes('hdr-histogram-js')) return;
    handler(level, log);
  },
  output: {
    dir: 'dist/bin',
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    // Stack traces (`--enable-source-maps`) and the start-up test read the original files here.
    sourcemap: true,
  },
});
// `npx failover-drill` runs the file itself, by its `#!/usr/bin/env node` line.
chmodSync(ENTRY, 0o755);
