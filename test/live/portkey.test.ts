/**
 * The Portkey recipe (recipes/portkey/): the real Portkey AI gateway, started with npx on
 * loopback with a fallback config pointing at the served providers, drilled by
 * `failover-drill drill` at --speed 20 with the gateway's own timers at the same speed
 * (time-scale.mjs). Then fidelity: the same scenario and config through `--subject portkey`, the
 * same package in process and in virtual time, must tell the same story. Skipped, with the
 * reason, when the package cannot be installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../../src/report/report-schema.js';
import { freePort, tempDir } from '../support/helpers.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist', 'cli', 'bin.js');
const PACKAGE = '@portkey-ai/gateway@1.15.2';
const loopbackShim = join(root, 'recipes', 'portkey', 'loopback.mjs');
const timeScaleShim = join(root, 'recipes', 'portkey', 'time-scale.mjs');
const SCENARIO = 'scenarios/live/primary-outage.yaml';
const SPEED = 20;

/** Installs the gateway into npx's cache; the reason it could not, if it could not. */
function install(): string | undefined {
  const result = spawnSync('npx', ['--yes', '--package', PACKAGE, '--', 'node', '-e', '0'], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (result.status === 0) return undefined;
  const why =
    result.error?.message ??
    result.stderr
      .split('\n')
      .find(
        (l) => l.startsWith('npm error') && !/npm error (code|A complete log|errno)\b/.test(l),
      ) ??
    `exit ${result.status}`;
  return `npx could not install ${PACKAGE}: ${why}`;
}

const skipReason = install();
if (skipReason !== undefined) process.stderr.write(`Portkey recipe test skipped: ${skipReason}\n`);

async function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe.skipIf(skipReason !== undefined)(
  `the Portkey recipe (${skipReason === undefined ? PACKAGE : `skipped: ${skipReason}`})`,
  () => {
    let gateway: ChildProcess;
    let port: number;
    let report: Report;
    let status: number | null;
    let stdout = '';
    let virtual: Report;

    beforeAll(async () => {
      port = await freePort();
      const providersPort = await freePort();
      const dir = tempDir();
      // The recipe's config, pointed at this test's providers port.
      const config = join(dir, 'portkey-config.json');
      writeFileSync(
        config,
        readFileSync(join(root, 'recipes', 'portkey', 'config.json'), 'utf8').replaceAll(
          '127.0.0.1:8788',
          `127.0.0.1:${providersPort}`,
        ),
      );
      gateway = spawn('npx', ['--yes', PACKAGE, `--port=${port}`, '--headless'], {
        env: {
          ...process.env,
          DRILL_SPEED: String(SPEED),
          NODE_OPTIONS: `--import=${loopbackShim} --import=${timeScaleShim}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let log = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`Portkey did not start within 60 s:\n${log}`)),
          60_000,
        );
        const onData = (d: Buffer): void => {
          log += d.toString();
          if (log.includes('Ready for connections')) {
            clearTimeout(timer);
            resolve();
          }
        };
        gateway.stdout!.on('data', onData);
        gateway.stderr!.on('data', onData);
        gateway.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`Portkey exited (${code}):\n${log}`));
        });
      });
      const out = join(dir, 'report');
      const result = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            bin,
            'drill',
            SCENARIO,
            '--target',
            `http://127.0.0.1:${port}/v1`,
            '--providers-port',
            String(providersPort),
            '--header',
            `x-portkey-config: @${config}`,
            '--speed',
            String(SPEED),
            '--out',
            out,
            '--traces',
            'off',
          ],
          { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let text = '';
        child.stdout.on('data', (d: Buffer) => (text += d.toString()));
        child.on('exit', (code) => resolve({ status: code, stdout: text }));
      });
      status = result.status;
      stdout = result.stdout;
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
      // The same scenario and config, the same package, in process and in virtual time.
      const virtualOut = join(dir, 'virtual');
      const drilled = spawnSync(
        process.execPath,
        [
          bin,
          'run',
          SCENARIO,
          '--subject',
          'portkey',
          '--subject-config',
          config,
          '--out',
          virtualOut,
          '--traces',
          'off',
        ],
        { cwd: root, encoding: 'utf8' },
      );
      expect(drilled.stderr).toBe('');
      expect([0, 1]).toContain(drilled.status);
      virtual = JSON.parse(readFileSync(join(virtualOut, 'report.json'), 'utf8')) as Report;
    }, 180_000);

    afterAll(async () => {
      if (gateway?.pid === undefined || gateway.exitCode !== null) return;
      const exited = once(gateway, 'exit');
      // npx runs the gateway as a child: stop the whole group.
      process.kill(-gateway.pid, 'SIGTERM');
      await exited;
    });

    it('listens on loopback only', async () => {
      expect(await accepts('127.0.0.1', port)).toBe(true);
      const other = Object.values(networkInterfaces())
        .flat()
        .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
      if (other !== undefined) expect(await accepts(other.address, port)).toBe(false);
    });

    it('drills to a judged report (exit 0 or 1, never bad input or a harness failure)', () => {
      expect([0, 1]).toContain(status);
      expect(stdout).toContain('live through http://127.0.0.1:');
      expect(reportSchema.safeParse(report).success).toBe(true);
      expect(report.live?.unattributedAttempts).toBe(0);
    });

    it('fails over from the primary to the backup, and every request is answered', () => {
      expect(report.availability).toBe(1);
      expect(report.failovers[0]).toMatchObject({
        from: 'primary/gpt-4o',
        to: 'backup/claude-sonnet-4-5',
      });
      expect(report.failovers[0]?.atMs).toBeGreaterThanOrEqual(60_000);
      expect(report.attempts.byProvider.backup).toBeGreaterThan(0);
    });

    it('shows what a gateway without a circuit breaker does: the primary is tried for every request', () => {
      // The fallback config has no breaker: throughout the outage each request tries the
      // primary first (and retries it once), so it sees at least one attempt per request.
      expect(report.attempts.byProvider.primary).toBeGreaterThanOrEqual(report.requests.total);
      expect(report.attempts.retries).toBeGreaterThan(0);
      expect(report.breakers).toEqual({});
    });

    it('is matched by Portkey in virtual time (--subject portkey): requests, availability, attempts within 5%, detection within 1 s', () => {
      expect(virtual.subject?.package).toEqual({ name: '@portkey-ai/gateway', version: '1.15.2' });
      expect(virtual.requests.total).toBe(report.requests.total);
      expect(virtual.availability).toBe(report.availability);
      expect(Math.abs(virtual.attempts.total / report.attempts.total - 1)).toBeLessThanOrEqual(
        0.05,
      );
      expect(virtual.failovers.map((f) => [f.from, f.to])).toEqual(
        report.failovers.map((f) => [f.from, f.to]),
      );
      expect(
        Math.abs(virtual.failovers[0]!.detectionMs - report.failovers[0]!.detectionMs),
      ).toBeLessThanOrEqual(1_000);
    });
  },
);
