/**
 * The oldest Node the CLI runs on: the one package.json's `engines` names, refused below it in
 * one line with exit code 3, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_MINIMUM, nodeTooOld } from '../../src/cli/node-version.js';
import { BIN, ROOT } from '../support/helpers.js';

const engines = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
).engines.node;

/** The system's own Node, where it is older than the CLI needs (Node 20 on this project's CI). */
const SYSTEM_NODE = '/usr/bin/node';
const systemNodeVersion = existsSync(SYSTEM_NODE)
  ? spawnSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim()
  : '';

describe('the oldest Node the CLI runs on', () => {
  it("is package.json's engines", () => {
    expect(engines).toBe(`>=${NODE_MINIMUM.join('.')}`);
  });

  it.each(['22.15.0', '22.20.1', '23.0.0', '24.21.0', '30.1.2'])('runs on %s', (version) => {
    expect(nodeTooOld(version)).toBeUndefined();
  });

  it.each(['22.14.0', '22.0.0', '20.20.2', '18.19.1'])('refuses %s, saying why', (version) => {
    expect(nodeTooOld(version)).toBe(
      `failover-drill needs Node 22.15 or newer; this is Node ${version}. Run it through npm (npx failover-drill, npm run ...), whose scripts find the project's own Node 24, or install a newer Node`,
    );
  });

  it.skipIf(systemNodeVersion === '' || nodeTooOld(systemNodeVersion) === undefined)(
    'the CLI on an older Node: one line, exit 3, no stack trace',
    () => {
      for (const args of [['--version'], ['run', 'scenarios/black-friday.yaml']]) {
        const result = spawnSync(SYSTEM_NODE, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
        expect(result.status).toBe(3);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(`${nodeTooOld(systemNodeVersion)}\n`);
      }
    },
  );
});
