/**
 * The CLI under hostile or careless use: an endless file, two drills that would share a report
 * folder, a drill stopped by a signal, a drill past the size limits, output piped to a reader
 * that stops reading. Each ends in a clean exit with nothing half-written.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  ROOT,
  runCli,
  scenarioYaml,
  tempDir,
  writeTemp,
  type CliRun,
} from '../support/helpers.js';

const cli = (...args: string[]): CliRun => runCli(args);

/** Every shipped scenario, as `validate scenarios/*.yaml scenarios/conduct/*.yaml` names them. */
const SHIPPED = ['scenarios', 'scenarios/conduct'].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => `${dir}/${name}`),
);

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the CLI under hostile input', () => {
  it.each([['run'], ['validate']])('%s /dev/zero: exit 2 at once, no stack trace', (command) => {
    const out = tempDir();
    const result = cli(command, '/dev/zero', ...(command === 'run' ? ['--out', out] : []));
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      '/dev/zero is larger than 1 MiB; a scenario or config file is a few kilobytes\n',
    );
    expect(filesUnder(out)).toEqual([]);
  });

  it.each([
    [['validate', ''], '"" is an empty file name: name a scenario or config file'],
    [
      ['run', 'scenarios/black-friday.yaml', '--config', ''],
      '"" is an empty file name: name a scenario or config file',
    ],
    [
      ['run', 'scenarios/black-friday.yaml', '--out', ''],
      '--out is empty: name a folder for the reports, e.g. --out reports',
    ],
    [['merge', ''], '"" is an empty file name: name a shard file'],
  ])(
    '%j (an empty name, as an unset shell variable in quotes gives): exit 2, one line',
    (args, message) => {
      const result = cli(...args);
      expect(result).toEqual({ status: 2, stdout: '', stderr: `${message}\n` });
    },
  );

  it('refuses a report folder the file system will not create, without hanging', () => {
    // Node's recursive mkdir never returns for this path; the harness must not call it.
    const result = cli(
      'run',
      writeTemp('s.yaml', scenarioYaml()),
      '--out',
      '/proc/failover-drill/x',
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      '--out cannot write reports to /proc/failover-drill/x: the file system refuses to create it\n',
    );
  });

  it('refuses two scenarios with one name in one run, writing nothing', () => {
    const dir = tempDir();
    const a = writeTemp('a.yaml', scenarioYaml(), dir);
    const b = writeTemp('b.yaml', scenarioYaml(), dir);
    const out = join(dir, 'out');
    const result = cli('run', a, b, '--out', out, '--traces', 'off');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `${b} name: is named "tiny" like ${a}; both drills' reports would go to ${join(out, 'tiny')}, the second overwriting the first: rename one\n`,
    );
    expect(filesUnder(out)).toEqual([]);
  });

  it('refuses a drill past --max-requests, and runs it when the flag allows it', () => {
    const file = writeTemp('s.yaml', scenarioYaml());
    const out = tempDir();
    const refused = cli('run', file, '--out', out, '--traces', 'off', '--max-requests', '50');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /traffic\.arrivals: the drill would send about 120 requests, more than the 50 allowed; raise it with --max-requests if it is meant\n$/,
    );
    expect(filesUnder(out)).toEqual([]);
    const allowed = cli('run', file, '--out', out, '--traces', 'off', '--max-requests', '500');
    expect(allowed.status).toBe(0);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'stopped by %s mid-drill: exit %i, no unfinished file left',
    async (signal, code) => {
      const out = tempDir();
      const child = spawn(
        process.execPath,
        [BIN, 'run', 'scenarios/black-friday.yaml', '--out', out],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // The trace files exist as soon as the drill has begun.
      for (let i = 0; i < 200 && !existsSync(join(out, 'traces.jsonl.partial')); i++)
        await new Promise((resolve) => setTimeout(resolve, 25));
      expect(existsSync(join(out, 'traces.jsonl.partial'))).toBe(true);
      const exited = once(child, 'exit');
      child.kill(signal);
      const [status] = (await exited) as [number | null];
      expect(status).toBe(code);
      expect(stderr).toMatch(new RegExp(`stopped by ${signal}; removed 2 unfinished file\\(s\\)`));
      expect(filesUnder(out)).toEqual([]);
    },
    30_000,
  );

  /**
   * Runs the CLI with its stdout's reader gone before it writes a line, as `| head -1` leaves it
   * once its line is read (every write to stdout fails with EPIPE), or with stdout on a device
   * that refuses every write (`> /dev/full`: ENOSPC).
   */
  async function withStdoutLost(args: readonly string[], stdout?: number): Promise<CliRun> {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', stdout ?? 'pipe', 'pipe'],
    });
    child.stdout?.destroy();
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // 'close' comes once the child has exited and its stderr is read to the end.
    const [status] = (await once(child, 'close')) as [number | null];
    return { status, stdout: '', stderr };
  }

  it.each([
    ['--help', ['--help']],
    ['run --help', ['run', '--help']],
    ['validate of every shipped scenario', ['validate', ...SHIPPED]],
  ])('%s into a pipe whose reader has gone: exit 0, no stack trace', async (_, args) => {
    const result = await withStdoutLost(args);
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('a drill whose reader has gone still writes its report and exits with its own code', async () => {
    const out = tempDir();
    const breached = writeTemp(
      's.yaml',
      scenarioYaml({ replace: [['availability >= 99%', 'latency.p50 <= 1ms']] }),
    );
    const result = await withStdoutLost(['run', breached, '--out', out, '--traces', 'off']);
    expect(result).toEqual({ status: 1, stdout: '', stderr: '' });
    expect(filesUnder(out)).toEqual([join(out, 'report.json')]);
  });

  it('bad input into a pipe whose reader has gone: exit 2, the message on stderr', async () => {
    const bad = writeTemp('bad.yaml', 'name: [\n');
    const result = await withStdoutLost(['validate', 'scenarios/black-friday.yaml', bad]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(bad);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  /**
   * The CLI with its files limited to `kb` KB (`ulimit -f`): a write past it fails with EFBIG, as
   * one on a full disk fails with ENOSPC.
   */
  const withFileLimit = (kb: number, args: readonly string[]) =>
    spawnSync(
      'bash',
      ['-c', `ulimit -f ${kb} && exec "$@"`, 'bash', process.execPath, BIN, ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

  it.each([
    ['on the telemetry thread', []],
    ["in the drill's thread", ['--trace-sample', '0.2']],
  ])(
    'traces too large for the machine (%s): one line, exit 3, nothing half-written',
    (_where, flags) => {
      const out = tempDir();
      const result = withFileLimit(100, [
        'run',
        'scenarios/conduct/primary-flaps.yaml',
        '--out',
        out,
        ...flags,
      ]);
      expect(result.stderr).toBe(
        `failover-drill: cannot write ${out}/traces.jsonl: the file is too large for the file system; no file was left half-written\n`,
      );
      expect(result.status).toBe(3);
      expect(filesUnder(out)).toEqual([]);
    },
    60_000,
  );

  it('traces too large in a --workers pool: the same line, exit 3', () => {
    const out = tempDir();
    const result = withFileLimit(200, [
      'run',
      'scenarios/conduct/primary-flaps.yaml',
      'scenarios/conduct/500-once.yaml',
      '--workers',
      '2',
      '--out',
      out,
    ]);
    expect(result.stderr).toBe(
      `failover-drill: cannot write ${out}/conduct-primary-flaps/traces.jsonl: the file is too large for the file system; no file was left half-written\n`,
    );
    expect(result.status).toBe(3);
    expect(filesUnder(out).filter((file) => file.endsWith('.partial'))).toEqual([]);
  }, 60_000);

  it('a report too large for the machine: one line, exit 3, the reports before it whole', () => {
    const out = tempDir();
    const result = withFileLimit(200, [
      'run',
      'scenarios/conduct/primary-flaps.yaml',
      '--traces',
      'off',
      '--format',
      'json,html',
      '--out',
      out,
    ]);
    expect(result.stderr).toBe(
      `failover-drill: cannot write ${out}/report.html: the file is too large for the file system; no file was left half-written\n`,
    );
    expect(result.status).toBe(3);
    expect(filesUnder(out)).toEqual([join(out, 'report.json')]);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toHaveProperty('slos');
  }, 60_000);

  it.skipIf(!existsSync('/dev/full'))(
    'output to a full device: the command runs to its end, then one line and exit 3',
    async () => {
      const out = tempDir();
      const full = openSync('/dev/full', 'w');
      try {
        for (const args of [
          ['validate', 'scenarios/black-friday.yaml'],
          ['run', writeTemp('s.yaml', scenarioYaml()), '--out', out, '--traces', 'off'],
        ]) {
          const result = await withStdoutLost(args, full);
          expect(result).toEqual({
            status: 3,
            stdout: '',
            stderr:
              'failover-drill: cannot write to stdout: ENOSPC: no space left on device, write; its output was lost\n',
          });
        }
      } finally {
        closeSync(full);
      }
      expect(filesUnder(out)).toEqual([join(out, 'report.json')]);
    },
  );

  it('refuses --workers past 256 before starting a thread, naming the cores', () => {
    const out = tempDir();
    const result = cli(
      'run',
      'scenarios/conduct/500-once.yaml',
      '--seeds',
      '2',
      '--workers',
      '100000',
      '--out',
      out,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^error: option '--workers <n>' argument '100000' is invalid\. a whole number from 1 to 256; this machine has \d+ cores, and workers beyond them only wait for one\n/,
    );
    expect(filesUnder(out)).toEqual([]);
  });

  it.skipIf(!existsSync('/proc/self/status'))(
    'a sweep of 2 seeds with --workers 64 starts 2 worker threads, not 64',
    async () => {
      const out = tempDir();
      const child = spawn(
        process.execPath,
        [
          BIN,
          'run',
          'scenarios/conduct/500-once.yaml',
          '--seeds',
          '2',
          '--workers',
          '64',
          '--out',
          out,
          '--traces',
          'off',
        ],
        { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: 'ignore' },
      );
      // The process's threads (Node's own and the pool's), read until it exits.
      let most = 0;
      const closed = once(child, 'close');
      let running = true;
      void closed.then(() => (running = false));
      while (running) {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          most = Math.max(most, Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0));
        } catch {
          // Gone between the check and the read.
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const [status] = (await closed) as [number | null];
      expect(status).toBe(0);
      // Node runs about ten threads of its own; 64 workers would be 64 more.
      expect(most).toBeGreaterThan(2);
      expect(most).toBeLessThan(32);
    },
    30_000,
  );

  it('serve and gateway where they cannot listen: exit 2, one line naming the flag', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const scenario = 'scenarios/black-friday.yaml';
      const providers = ['--providers', 'http://127.0.0.1:1'];
      for (const [args, message] of [
        [
          ['serve', scenario, '--port', String(port)],
          `--port port ${port} is in use; pick another or 0 for any free port`,
        ],
        [
          ['gateway', scenario, ...providers, '--port', String(port)],
          `--port port ${port} is in use; pick another or 0 for any free port`,
        ],
        // TEST-NET-1 (RFC 5737): an address no machine has.
        [
          ['serve', scenario, '--host', '192.0.2.1', '--allow-remote'],
          '--host 192.0.2.1 is not an address of this machine',
        ],
        [
          [
            'gateway',
            scenario,
            ...providers,
            '--host',
            '192.0.2.1',
            '--allow-remote',
            '--port',
            '0',
          ],
          '--host 192.0.2.1 is not an address of this machine',
        ],
        // The .invalid top-level domain never resolves (RFC 2606).
        [
          ['serve', scenario, '--host', 'nowhere.invalid', '--allow-remote'],
          '--host nowhere.invalid does not resolve to an address',
        ],
      ] as const) {
        // spawnSync blocks this process, but the taken port stays taken in the kernel.
        const result = cli(...args);
        expect(result).toEqual({ status: 2, stdout: '', stderr: `${message}\n` });
      }
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  }, 30_000);
});
