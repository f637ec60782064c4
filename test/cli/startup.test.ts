import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../support/helpers.js';

const RECORD = join(ROOT, 'test/support/record-imports.mjs');

/** What the preloaded recorder printed at the exit of a CLI invocation, and its exit status. */
function record(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { packages: string[]; execArgv: string[]; status: number | null } {
  const child = spawnSync(process.execPath, ['--import', RECORD, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
  });
  const packages = /loaded-packages: (.*)/.exec(child.stderr)?.[1];
  const execArgv = /exec-argv: (.*)/.exec(child.stderr)?.[1];
  expect(packages, child.stderr).toBeDefined();
  return {
    packages: JSON.parse(packages ?? '[]') as string[],
    execArgv: JSON.parse(execArgv ?? '[]') as string[],
    status: child.status,
  };
}

/** The packages a CLI invocation loads, as the preloaded recorder saw them. */
function packagesLoadedBy(args: readonly string[]): string[] {
  return record(args).packages;
}

// Every command pays for what it imports before it starts: the heavy packages (msw,
// OpenTelemetry, undici, fast-check, Chart.js) load when a command that uses them runs.
describe('what a command loads', () => {
  it('--version and --help load commander alone', () => {
    expect(packagesLoadedBy(['--version'])).toEqual(['commander']);
    expect(packagesLoadedBy(['run', '--help'])).toEqual(['commander']);
    expect(packagesLoadedBy(['check', '--help'])).toEqual(['commander']);
  });

  it('validate loads the parser and the schemas, and no drill machinery', () => {
    expect(packagesLoadedBy(['validate', 'scenarios/black-friday.yaml'])).toEqual([
      'commander',
      'yaml',
      'zod',
    ]);
  });

  it('a drill loads the mock providers, and OpenTelemetry only when it writes traces', () => {
    const loaded = packagesLoadedBy([
      'run',
      'scenarios/conduct/500-once.yaml',
      '--out',
      join(ROOT, 'dist/startup-test'),
      '--traces',
      'off',
    ]);
    expect(loaded).toContain('msw');
    for (const unused of ['@opentelemetry/api', 'fast-check', 'undici'])
      expect(loaded).not.toContain(unused);
  }, 60_000);
});

// A drill's heap is sized for it (src/cli/drill-heap.ts): the drilling commands restart with the
// flags, on the same pid, before they load anything; the others do not restart.
describe.skipIf(typeof process.execve !== 'function')('the heap of a drill', () => {
  const OUT = join(ROOT, 'dist/startup-test');
  const DRILL = ['run', 'scenarios/conduct/500-once.yaml', '--out', OUT, '--traces', 'off'];

  it('a drilling command runs with 16 MB semi-spaces and a 20% heap growth, keeping the flags Node was given', () => {
    const drilled = record(DRILL);
    expect(drilled.status).toBe(0);
    expect(drilled.execArgv).toEqual([
      '--max-semi-space-size=16',
      '--heap-growing-percent=20',
      '--import',
      RECORD,
    ]);
  }, 60_000);

  it('--version, --help and validate do not restart', () => {
    for (const args of [
      ['--version'],
      ['run', '--help'],
      ['validate', 'scenarios/black-friday.yaml'],
    ])
      expect(record(args).execArgv).toEqual(['--import', RECORD]);
  });

  it("the user's own sizing is kept: in NODE_OPTIONS, or as Node's flags", () => {
    const own = record(DRILL, { ...process.env, NODE_OPTIONS: '--max-semi-space-size=8' });
    expect(own.status).toBe(0);
    expect(own.execArgv).toEqual(['--heap-growing-percent=20', '--import', RECORD]);
    const child = spawnSync(
      process.execPath,
      ['--max-semi-space-size=8', '--heap-growing-percent=50', '--import', RECORD, BIN, ...DRILL],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(child.status).toBe(0);
    expect(/exec-argv: (.*)/.exec(child.stderr)?.[1]).toBe(
      JSON.stringify(['--max-semi-space-size=8', '--heap-growing-percent=50', '--import', RECORD]),
    );
  }, 60_000);
});
