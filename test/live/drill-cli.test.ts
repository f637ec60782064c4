/**
 * `failover-drill drill` and `failover-drill gateway` as a user runs them: bad input exits 2
 * and writes nothing; a gateway without a fallback breaches the SLOs (exit 1) on a drill cut
 * short by --max-duration.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../../src/report/report-schema.js';
import { freePort, tempDir } from '../support/helpers.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist', 'cli', 'bin.js');
const scenario = 'scenarios/live/primary-outage.yaml';

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

describe('failover-drill drill: bad input', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a gateway beyond this machine',
      ['--target', 'http://10.1.2.3:8787/v1'],
      /--target 10\.1\.2\.3 is not loopback; add --allow-remote/,
    ],
    ['a target that is not a URL', ['--target', 'gateway:8787'], /--target/],
    [
      'a header without a colon',
      ['--target', 'http://127.0.0.1:9/v1', '--header', 'x-portkey-config'],
      /--header "x-portkey-config" is not "name: value"/,
    ],
    [
      'a header file that is missing',
      ['--target', 'http://127.0.0.1:9/v1', '--header', 'x-config: @no/such/file.json'],
      /no\/such\/file\.json cannot read the value of header x-config: ENOENT/,
    ],
    [
      'an API key variable that is not set',
      ['--target', 'http://127.0.0.1:9/v1', '--api-key-env', 'FAILOVER_DRILL_TEST_UNSET_KEY'],
      /FAILOVER_DRILL_TEST_UNSET_KEY is not set/,
    ],
    ['a bad --speed', ['--target', 'http://127.0.0.1:9/v1', '--speed', '0'], /--speed/],
    [
      'a bad --max-duration',
      ['--target', 'http://127.0.0.1:9/v1', '--max-duration', 'soon'],
      /--max-duration/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what} (exit 2, nothing written)`, () => {
      const out = join(tempDir(), 'reports');
      const result = cli(['drill', scenario, ...args, '--out', out]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('says so when nothing listens at the target (exit 2, nothing written)', async () => {
    const out = join(tempDir(), 'reports');
    const port = await freePort();
    const result = cli([
      'drill',
      scenario,
      '--target',
      `http://127.0.0.1:${port}/v1`,
      '--out',
      out,
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `nothing answers at http://127\\.0\\.0\\.1:${port}/v1 \\(ECONNREFUSED\\); start the gateway first`,
      ),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('gateway refuses a non-loopback address without --allow-remote', () => {
    const result = cli([
      'gateway',
      scenario,
      '--providers',
      'http://127.0.0.1:8788',
      '--host',
      '0.0.0.0',
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--host 0\.0\.0\.0 is not loopback/);
  });
});

describe('failover-drill drill: a gateway with no fallback', () => {
  it('breaches the SLOs (exit 1) and prints the replay command; cut by --max-duration', async () => {
    const providersPort = await freePort();
    const gateway: ChildProcess = spawn(
      process.execPath,
      [
        bin,
        'gateway',
        scenario,
        '--providers',
        `http://127.0.0.1:${providersPort}`,
        '--port',
        '0',
        '--speed',
        '20',
        '--config',
        'configs/support-chat-primary-only.yaml',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const ready = await new Promise<{ baseUrl: string }>((resolve) => {
        createInterface({ input: gateway.stdout! }).once('line', (line) =>
          resolve(JSON.parse(line) as { baseUrl: string }),
        );
      });
      const out = tempDir();
      const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
        (resolve) => {
          const child = spawn(
            process.execPath,
            [
              bin,
              'drill',
              scenario,
              '--target',
              ready.baseUrl,
              '--providers-port',
              String(providersPort),
              '--speed',
              '20',
              '--max-duration',
              '5s',
              '--out',
              out,
              '--format',
              'json,md,junit',
            ],
            { cwd: root },
          );
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('exit', (status) => resolve({ status, stdout, stderr }));
        },
      );
      expect(result.stderr).toMatch(
        /^providers: primary http:\/\/127\.0\.0\.1:\d+\/primary\/v1 \(openai\)/,
      );
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/FAIL {2}availability >= 99%/);
      expect(result.stdout).toMatch(
        /replay: npx failover-drill drill scenarios\/live\/primary-outage\.yaml --target http:\/\/127\.0\.0\.1:\d+\/v1 --seed 7 --speed 20 --providers-port \d+/,
      );
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
      expect(reportSchema.safeParse(report).success).toBe(true);
      // 5 s of wall time at 20x: cut at 100 s of drill time, 40 s into the outage.
      expect(report.live?.cutAtMs).toBe(100_000);
      expect(report.live?.requestsSent).toBe(report.requests.total);
      expect(report.requests.total).toBeLessThan(254);
      expect(report.attempts.byProvider).not.toHaveProperty('backup');
      expect(report.failures.byReason['http-status']).toBe(report.requests.failed);
      expect(report.availability).toBeLessThan(0.8);
      expect(report.availability).toBeGreaterThan(0.5);
      // The baseline is cut with it: the same requests, the same faults.
      expect(report.baseline.requests.total).toBe(report.requests.total);
      expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('<failure');
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('live:');
    } finally {
      const exited = once(gateway, 'exit');
      gateway.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    }
  }, 60_000);
});
