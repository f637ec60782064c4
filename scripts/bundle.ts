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
import { build } from 'rolldown';

const ENTRY = 'dist/bin/failover-drill.js';

// Chunks are named by content: drop the last build's.
rmSync('dist/bin', { recursive: true, force: true });

await build({
  input: {
    'failover-drill': 'dist/cli/bin.js',
    // A pool's worker threads load this file, beside the chunks (src/cli/drill-pool.ts).
    'drill-worker': 'dist/cli/drill-worker.js',
  },
  platform: 'node',
  // Piscina starts its own worker script by a path next to its files, so it stays a package.
  external: ['piscina'],
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
