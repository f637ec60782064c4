import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../support/helpers.js';

const RECORD = join(ROOT, 'test/support/record-imports.mjs');

/** The packages a CLI invocation loads, as the preloaded recorder saw them. */
function packagesLoadedBy(args: readonly string[]): string[] {
  const child = spawnSync(process.execPath, ['--import', RECORD, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const line = /loaded-packages: (.*)/.exec(child.stderr)?.[1];
  expect(line, child.stderr).toBeDefined();
  return JSON.parse(line ?? '[]') as string[];
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
