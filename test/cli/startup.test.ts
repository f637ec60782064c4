import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_CAP_BYTES } from '../../src/cli/drill-heap.js';
import { BIN, ROOT } from '../support/helpers.js';

const RECORD = join(ROOT, 'test/support/record-imports.mjs');

/**
 * What the preloaded recorder printed at the exit of a CLI invocation, and its exit status;
 * `nodeFlags` are given to Node before the recorder.
 */
function record(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  nodeFlags: readonly string[] = [],
): {
  packages: string[];
  files: string[];
  execArgv: string[];
  builtins: string[];
  newSpaceBytes: number;
  status: number | null;
} {
  const child = spawnSync(process.execPath, [...nodeFlags, '--import', RECORD, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
  });
  const packages = /loaded-packages: (.*)/.exec(child.stderr)?.[1];
  const files = /loaded-files: (.*)/.exec(child.stderr)?.[1];
  const execArgv = /exec-argv: (.*)/.exec(child.stderr)?.[1];
  const builtins = /loaded-builtins: (.*)/.exec(child.stderr)?.[1];
  expect(packages, child.stderr).toBeDefined();
  return {
    packages: JSON.parse(packages ?? '[]') as string[],
    files: JSON.parse(files ?? '[]') as string[],
    execArgv: JSON.parse(execArgv ?? '[]') as string[],
    builtins: JSON.parse(builtins ?? '[]') as string[],
    newSpaceBytes: Number(/new-space: (\d+)/.exec(child.stderr)?.[1]),
    status: child.status,
  };
}

/** The packages a CLI invocation loads, as the preloaded recorder saw them. */
function packagesLoadedBy(args: readonly string[]): string[] {
  return record(args).packages;
}

// The CLI ships as a bundle (scripts/bundle.ts): package.json's bin is one executable file that
// loads its chunks as commands need them.
describe('the shipped CLI', () => {
  it('is the bundle package.json names, runnable by its #! line', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      version: string;
    };
    expect(join(ROOT, pkg.bin['failover-drill'] ?? '')).toBe(BIN);
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(BIN).mode & 0o111).toBe(0o111);
    // `#!/usr/bin/env node` finds this Node first on the PATH, as npx puts it.
    const version = spawnSync(BIN, ['--version'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` },
    });
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('loads a handful of files for validate, where the packages alone have hundreds', () => {
    const files = record(['validate', 'scenarios/black-friday.yaml']).files;
    expect(files.length).toBeLessThan(20);
    expect(files.every((file) => file.startsWith(join(ROOT, 'dist/bin/')))).toBe(true);
  });
});

// Every command pays for what it imports before it starts: the heavy packages (msw,
// OpenTelemetry, undici, fast-check, Chart.js) load when a command that uses them runs.
describe('what a command loads', () => {
  it('--version and --help load commander alone', () => {
    expect(packagesLoadedBy(['--version'])).toEqual(['commander']);
    expect(packagesLoadedBy(['run', '--help'])).toEqual(['commander']);
    expect(packagesLoadedBy(['check', '--help'])).toEqual(['commander']);
  });

  it('--version and validate load no Node built-in that only drills or subcommands use', () => {
    // scripts/bundle.ts takes built-ins with process.getBuiltinModule: an `import` of node:fs
    // makes Node build a module facade that reads fs.ReadStream and fs.promises, which load the
    // file streams and the promise API; commander's child_process (and with it dgram) is taken
    // when a subcommand is an executable, which none is.
    const unused = [
      'child_process',
      'dgram',
      'worker_threads',
      'internal/fs/streams',
      'internal/fs/promises',
    ];
    for (const args of [['--version'], ['validate', 'scenarios/black-friday.yaml']]) {
      const { builtins, status } = record(args);
      expect(status).toBe(0);
      expect(builtins).toContain('fs');
      for (const name of unused) expect(builtins, args.join(' ')).not.toContain(name);
    }
    // V8's flags are set only by validate (src/cli/validate-flags.ts).
    expect(record(['--version']).builtins).not.toContain('v8');
  });

  it('validate loads the parser and the schemas, and no drill machinery', () => {
    expect(packagesLoadedBy(['validate', 'scenarios/black-friday.yaml'])).toEqual([
      'commander',
      'yaml',
      'zod',
    ]);
  });

  it('a drill loads the mock providers; OpenTelemetry only when it writes traces, the worker pool only for workers', () => {
    const loaded = packagesLoadedBy([
      'run',
      'scenarios/conduct/500-once.yaml',
      '--out',
      join(ROOT, 'dist/startup-test'),
      '--traces',
      'off',
    ]);
    expect(loaded).toContain('msw');
    for (const unused of ['@opentelemetry/api', 'fast-check', 'undici', 'piscina'])
      expect(loaded).not.toContain(unused);
  }, 60_000);
});

// A drill's heap is sized for it (src/cli/drill-heap.ts), in the process, with no restart: the
// young generation stops growing at 16 MB semi-spaces, where V8 would take black-friday's to 64.
describe('the heap of a drill', () => {
  const OUT = join(ROOT, 'dist/startup-test');
  const DRILL = ['run', 'scenarios/black-friday.yaml', '--out', OUT, '--traces', 'off'];

  it('a drilling command holds its young generation at 16 MB semi-spaces, without restarting', () => {
    const drilled = record(DRILL);
    expect(drilled.status).toBe(0);
    expect(drilled.execArgv).toEqual(['--import', RECORD]);
    expect(drilled.newSpaceBytes).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES / 2);
    expect(drilled.newSpaceBytes).toBeLessThanOrEqual(YOUNG_GENERATION_CAP_BYTES);
  }, 60_000);

  it("validate keeps V8's young generation at its first size, unless the user sized it", () => {
    // src/cli/validate-flags.ts sets the flags as the command starts. V8's default growth
    // factor, given by the user, lets the young generation grow as module loading fills it.
    const validate = ['validate', 'scenarios/black-friday.yaml'];
    const ours = record(validate);
    expect(ours.status).toBe(0);
    expect(ours.newSpaceBytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    const own = record(validate, process.env, ['--semi-space-growth-factor=2']);
    expect(own.status).toBe(0);
    expect(own.newSpaceBytes).toBeGreaterThan(2 * ours.newSpaceBytes);
  });

  it("the user's own sizing is kept, in NODE_OPTIONS or as Node's flags", () => {
    const own = record(DRILL, { ...process.env, NODE_OPTIONS: '--max-semi-space-size=64' });
    expect(own.status).toBe(0);
    expect(own.newSpaceBytes).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES);
    const flags = ['--max-semi-space-size=4', '--heap-growing-percent=50'];
    const child = record(DRILL, process.env, flags);
    expect(child.status).toBe(0);
    expect(child.execArgv).toEqual([...flags, '--import', RECORD]);
    expect(child.newSpaceBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
  }, 60_000);
});
