/**
 * The telemetry on a thread of its own (src/telemetry/telemetry-thread.ts) writes what the
 * telemetry in the drill's thread writes, byte for byte; fails a drill with the thread's error;
 * serves drills at once; and lets the process end. The thread starts the compiled worker file,
 * so these drills run from the build (`dist/`), as the CLI runs them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { telemetryBeside, THREAD_FROM_SAMPLE } from '../../src/cli/drill-pool.js';
import type * as LoadScenario from '../../src/scenario/load-scenario.js';
import type * as RunDrill from '../../src/simulator/run-drill.js';
import { BIN, ROOT, tempDir, writeTemp } from '../support/helpers.js';

const built = (file: string): string => pathToFileURL(join(ROOT, 'dist', file)).href;
const { loadScenario } = (await import(built('scenario/load-scenario.js'))) as typeof LoadScenario;
const { runDrill } = (await import(built('simulator/run-drill.js'))) as typeof RunDrill;

type Telemetry = NonNullable<RunDrill.DrillOptions['telemetry']>;

/** A drill's telemetry files and its report, wall time aside. */
async function drilled(
  file: string,
  telemetry: Omit<Telemetry, 'dir'>,
  seed?: number,
): Promise<{ traces: string; metrics: string; report: string }> {
  const dir = tempDir();
  const report = await runDrill(loadScenario(join(ROOT, file)), {
    telemetry: { ...telemetry, dir },
    ...(seed === undefined ? {} : { seed }),
  });
  return {
    traces: readFileSync(join(dir, 'traces.jsonl'), 'utf8'),
    metrics: readFileSync(join(dir, 'metrics.jsonl'), 'utf8'),
    report: JSON.stringify({ ...report, wallMs: 0 }),
  };
}

describe('telemetry on a thread of its own', () => {
  it.each([
    ['scenarios/rate-limit-storm.yaml', { sample: 1 }],
    ['scenarios/conduct/primary-flaps.yaml', { sample: 1 }],
    ['scenarios/conduct/stream-cut-continue.yaml', { sample: 0.5, recordContent: true }],
    ['scenarios/soft/model-swap.yaml', { sample: 1, recordContent: true }],
  ] satisfies [string, Omit<Telemetry, 'dir'>][])(
    '%s, %o: the same traces, metrics and report as in the drill thread',
    async (file, options) => {
      const here = await drilled(file, options);
      const beside = await drilled(file, { ...options, thread: true });
      expect(here.traces.length).toBeGreaterThan(1_000);
      expect(beside.traces).toBe(here.traces);
      expect(beside.metrics).toBe(here.metrics);
      // The report's worst requests link their trace ids, which the thread sends back.
      expect(beside.report).toBe(here.report);
      if ('recordContent' in options) expect(beside.traces).toContain('gen_ai.input.messages');
      else expect(beside.traces).not.toContain('gen_ai.input.messages');
    },
    60_000,
  );

  it('serves two drills at once, each with its own files', async () => {
    const file = 'scenarios/conduct/503-forever.yaml';
    const [a, b] = await Promise.all([
      drilled(file, { thread: true }, 1),
      drilled(file, { thread: true }, 2),
    ]);
    expect(a).toEqual(await drilled(file, {}, 1));
    expect(b).toEqual(await drilled(file, {}, 2));
    expect(a.traces).not.toBe(b.traces);
  }, 60_000);

  it("fails the drill with the thread's error, its message and code", async () => {
    const scenario = loadScenario(join(ROOT, 'scenarios/conduct/500-once.yaml'));
    const failed = runDrill(scenario, { telemetry: { dir: '/nonexistent/traces', thread: true } });
    await expect(failed).rejects.toMatchObject({
      code: 'ENOENT',
      message: expect.stringContaining('/nonexistent/traces/traces.jsonl'),
    });
  });

  it('lets the process end once its drills are done', () => {
    const dir = tempDir();
    const program = writeTemp(
      'drill.mjs',
      `const { loadScenario } = await import(${JSON.stringify(built('scenario/load-scenario.js'))});
const { runDrill } = await import(${JSON.stringify(built('simulator/run-drill.js'))});
const scenario = loadScenario(${JSON.stringify(join(ROOT, 'scenarios/conduct/500-once.yaml'))});
await runDrill(scenario, { telemetry: { dir: ${JSON.stringify(dir)}, thread: true } });
console.log('drilled');
`,
    );
    const child = spawnSync(process.execPath, [program], { encoding: 'utf8', timeout: 60_000 });
    expect(child.signal).toBeNull();
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('drilled\n');
    expect(readFileSync(join(dir, 'traces.jsonl'), 'utf8')).toContain('resourceSpans');
  }, 60_000);
});

describe('the CLI', () => {
  const ONCE = 'scenarios/conduct/500-once.yaml';
  // Notes on stderr each worker thread the CLI starts, by its file.
  const preload = writeTemp(
    'worker-log.mjs',
    `import threads from 'node:worker_threads';
const Worker = threads.Worker;
threads.Worker = class extends Worker {
  constructor(file, options) {
    process.stderr.write('worker ' + String(file) + '\\n');
    super(file, options);
  }
};
`,
  );
  const workers = (...args: string[]): string[] => {
    const child = spawnSync(
      process.execPath,
      ['--import', preload, BIN, 'run', '--out', tempDir(), ...args],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.status).toBe(0);
    return child.stderr
      .split('\n')
      .filter((line) => line.startsWith('worker '))
      .map((line) => line.slice(line.lastIndexOf('/') + 1));
  };

  it('traces a drill in full on the telemetry thread where there is a second core', () => {
    expect(workers(ONCE)).toEqual(availableParallelism() >= 2 ? ['telemetry-worker.js'] : []);
  }, 60_000);

  it('keeps sparse sampling, and no tracing, in the drill thread', () => {
    expect(workers(ONCE, '--trace-sample', String(THREAD_FROM_SAMPLE / 2))).toEqual([]);
    expect(workers(ONCE, '--traces', 'off')).toEqual([]);
  }, 60_000);

  it("leaves a --workers pool's drills their telemetry in their own threads", () => {
    const started = workers(ONCE, 'scenarios/conduct/503-forever.yaml', '--workers', '2');
    expect(started.length).toBeGreaterThanOrEqual(2);
    expect(started).not.toContain('telemetry-worker.js');
  }, 60_000);
});

describe('telemetryBeside', () => {
  const job = { row: 0, column: 0, telemetry: { dir: '/out', sample: 1 } };

  it('puts a traced drill on the thread where there is a second core', () => {
    expect(telemetryBeside(2)(job).telemetry).toEqual({ dir: '/out', sample: 1, thread: true });
    expect(telemetryBeside(1)(job)).toBe(job);
  });

  it('keeps a sparsely traced drill, and an untraced one, as they are', () => {
    const sparse = { ...job, telemetry: { dir: '/out', sample: THREAD_FROM_SAMPLE / 2 } };
    expect(telemetryBeside(2)(sparse)).toBe(sparse);
    const untraced = { row: 0, column: 0 };
    expect(telemetryBeside(2)(untraced)).toBe(untraced);
  });
});
