import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Report } from '../../src/report/report-schema.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { scenarioYaml, tempDir, writeTemp } from '../support/helpers.js';

/** An OTLP JSON attribute list as a plain record. */
type OtlpValue = {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
};
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  events: { name: string; timeUnixNano: string; attributes: OtlpAttribute[] }[];
  status: { code: number };
}
interface TraceRequest {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
}
interface MetricsRequest {
  resourceMetrics: {
    scopeMetrics: {
      metrics: {
        name: string;
        sum?: {
          dataPoints: {
            asInt?: number | string;
            asDouble?: number;
            attributes: OtlpAttribute[];
            timeUnixNano: string;
          }[];
        };
        histogram?: { dataPoints: { count: number | string; attributes: OtlpAttribute[] }[] };
        gauge?: {
          dataPoints: { asInt?: number | string; asDouble?: number; attributes: OtlpAttribute[] }[];
        };
      }[];
    }[];
  }[];
}

const attrs = (list: OtlpAttribute[]): Record<string, string | number | boolean> =>
  Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ?? value.boolValue ?? Number(value.intValue ?? value.doubleValue),
    ]),
  );

const spansOf = (requests: TraceRequest[]): OtlpSpan[] =>
  requests.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)));

const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);

/** The tiny scenario with an outage, a stream cut and a content filter: every kind of span. */
function scenarioFile(): string {
  const base = scenarioYaml({ replace: [['duration: 2m', 'duration: 4m']] });
  return writeTemp(
    's.yaml',
    base.replace(
      base.slice(base.indexOf('faults:'), base.indexOf('failover:')),
      `faults:
  - { kind: outage, target: primary, at: 30s, for: 60s, status: 503 }
  - { kind: stream-cut, target: primary, at: 2m, for: 30s, afterTokens: 20 }
  - { kind: content-filter, target: primary, at: 3m, for: 30s, probability: 20% }
`,
    ),
  );
}

async function drill(telemetry: { sample?: number; recordContent?: boolean; otlp?: string } = {}) {
  const dir = tempDir();
  const scenario = loadScenario(scenarioFile());
  const report = await runDrill(scenario, { telemetry: { dir, ...telemetry } });
  return { dir, scenario, report };
}

describe('the trace file', () => {
  let report: Report;
  let spans: OtlpSpan[];
  let requests: TraceRequest[];
  let dir: string;
  let startsAt: number;

  beforeAll(async () => {
    const run = await drill();
    ({ report, dir } = run);
    startsAt = run.scenario.startsAt;
    requests = readJsonl<TraceRequest>(join(dir, 'traces.jsonl'));
    spans = spansOf(requests);
  });

  it('is OTLP/HTTP JSON with the drill as its resource', () => {
    const resource = attrs(requests[0]!.resourceSpans[0]!.resource.attributes);
    expect(resource).toMatchObject({
      'service.name': 'failover-drill',
      'failover_drill.scenario': 'tiny',
      'failover_drill.seed': 7,
    });
    expect(requests[0]!.resourceSpans[0]!.scopeSpans[0]!.scope.name).toBe('failover-drill');
  });

  it('has one root span per request in report.json and one child span per attempt', () => {
    const roots = spans.filter((s) => s.parentSpanId === undefined || s.parentSpanId === '');
    const children = spans.filter((s) => s.parentSpanId !== undefined && s.parentSpanId !== '');
    expect(roots).toHaveLength(report.requests.total);
    expect(children).toHaveLength(report.attempts.total);
    expect(new Set(roots.map((r) => r.name))).toEqual(new Set(['chat chat']));
    expect(new Set(children.map((c) => c.name))).toEqual(
      new Set(['chat gpt-4o', 'chat claude-sonnet-4-5']),
    );
    const rootIds = new Set(roots.map((r) => r.spanId));
    for (const child of children) expect(rootIds.has(child.parentSpanId!)).toBe(true);
  });

  it('carries the GenAI, HTTP and drill attributes', () => {
    const attempt = spans.find(
      (s) => s.parentSpanId && attrs(s.attributes)['failover_drill.outcome'] === 'ok',
    )!;
    expect(attempt.kind).toBe(3); // client
    expect(attrs(attempt.attributes)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': expect.any(String),
      'gen_ai.request.model': expect.any(String),
      'gen_ai.response.model': expect.any(String),
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': expect.any(Number),
      'http.response.status_code': 200,
      'failover_drill.attempt': expect.any(Number),
      'failover_drill.breaker.state': expect.stringMatching(/closed|open|half-open/),
      'failover_drill.cost_usd': expect.any(Number),
    });
    const failed = spans.find((s) => attrs(s.attributes)['http.response.status_code'] === 503)!;
    expect(attrs(failed.attributes)['error.type']).toBe('503');
    expect(failed.status.code).toBe(2);
  });

  it('sums each request’s attempt costs into its root, and the roots into the report’s cost', () => {
    const byTrace = new Map<string, number>();
    for (const s of spans)
      if (s.parentSpanId)
        byTrace.set(
          s.traceId,
          (byTrace.get(s.traceId) ?? 0) + Number(attrs(s.attributes)['failover_drill.cost_usd']),
        );
    let total = 0;
    for (const root of spans.filter((s) => !s.parentSpanId)) {
      const cost = Number(attrs(root.attributes)['failover_drill.cost_usd']);
      expect(cost).toBeCloseTo(byTrace.get(root.traceId) ?? 0, 9);
      total += cost;
    }
    expect(total).toBeCloseTo(report.costUsd.total, 6);
  });

  it('shows the breaker transitions of the report as span events, and the failovers', () => {
    const transitions = spans.flatMap((s) =>
      s.events.filter((e) => e.name === 'breaker.transition'),
    );
    const reported = Object.values(report.breakers).reduce((n, b) => n + b.transitions.length, 0);
    expect(reported).toBeGreaterThan(0);
    expect(transitions).toHaveLength(reported);
    expect(spans.some((s) => s.events.some((e) => e.name === 'failover'))).toBe(true);
    expect(spans.some((s) => s.events.some((e) => e.name === 'retry.scheduled'))).toBe(true);
  });

  it('is timestamped in drill time, from the scenario’s startsAt', () => {
    const ns = (ms: number): bigint => BigInt(ms) * 1_000_000n;
    const starts = spans.map((s) => BigInt(s.startTimeUnixNano));
    const ends = spans.map((s) => BigInt(s.endTimeUnixNano));
    const min = starts.reduce((a, b) => (a < b ? a : b));
    const max = ends.reduce((a, b) => (a > b ? a : b));
    expect(min).toBeGreaterThanOrEqual(ns(startsAt));
    expect(max).toBeLessThanOrEqual(ns(startsAt + report.simulatedMs) + 1_000_000n);
    // Four minutes of drill, not the second it took to run.
    expect(Number(max - min) / 1e9).toBeGreaterThan(200);
  });

  it('holds no API key and no prompt text', () => {
    const text = readFileSync(join(dir, 'traces.jsonl'), 'utf8');
    expect(text).not.toContain('drill-key');
    expect(text).not.toMatch(/Answer in \d+ tokens/);
    expect(text).not.toContain('gen_ai.input.messages');
  });

  it('comes with metrics: requests and attempts that match the report', () => {
    const [metrics] = readJsonl<MetricsRequest>(join(dir, 'metrics.jsonl'));
    const all = metrics!.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    const sum = (name: string): number =>
      all
        .find((m) => m.name === name)!
        .sum!.dataPoints.reduce((n, p) => n + Number(p.asInt ?? p.asDouble), 0);
    expect(sum('failover_drill.requests')).toBe(report.requests.total);
    expect(sum('failover_drill.attempts')).toBe(report.attempts.total);
    const durations = all.find((m) => m.name === 'gen_ai.client.operation.duration')!;
    expect(durations.histogram!.dataPoints.reduce((n, p) => n + Number(p.count), 0)).toBe(
      report.attempts.total,
    );
    expect(all.some((m) => m.name === 'failover_drill.breaker.state')).toBe(true);
    const point = all.find((m) => m.name === 'failover_drill.requests')!.sum!.dataPoints[0]!;
    expect(BigInt(point.timeUnixNano)).toBeLessThanOrEqual(
      BigInt(startsAt + report.simulatedMs) * 1_000_000n + 1_000_000n,
    );
  });
});

describe('telemetry options', () => {
  it('writes byte-identical trace and metric files for the same seed', async () => {
    const a = await drill();
    const b = await drill();
    for (const file of ['traces.jsonl', 'metrics.jsonl'])
      expect(readFileSync(join(b.dir, file), 'utf8')).toBe(readFileSync(join(a.dir, file), 'utf8'));
  });

  it('samples whole requests: a share of the roots, each with all its attempts', async () => {
    const { dir, report } = await drill({ sample: 0.2 });
    const spans = spansOf(readJsonl<TraceRequest>(join(dir, 'traces.jsonl')));
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.length).toBeGreaterThan(report.requests.total * 0.1);
    expect(roots.length).toBeLessThan(report.requests.total * 0.3);
    for (const root of roots) {
      const children = spans.filter((s) => s.parentSpanId === root.spanId);
      expect(children).toHaveLength(Number(attrs(root.attributes)['failover_drill.attempts']));
    }
  });

  it('marks a hedge’s attempt on its span, and its start on the root', async () => {
    // A primary slower than the hedge's delay: each request also asks the backup.
    const file = writeTemp(
      'hedged.yaml',
      scenarioYaml({
        replace: [
          [
            'latency: { ttft: 200ms, tokensPerSecond: 100 }',
            'latency: { ttft: 3s, tokensPerSecond: 100 }',
          ],
          [
            '      targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n',
            '      targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n  hedge: { delay: 1s }\n',
          ],
        ],
      }),
    );
    const dir = tempDir();
    const report = await runDrill(loadScenario(file), { telemetry: { dir } });
    const spans = spansOf(readJsonl<TraceRequest>(join(dir, 'traces.jsonl')));
    const attempts = spans.filter((s) => s.parentSpanId);
    expect(attempts).toHaveLength(report.attempts.total);
    const hedges = attempts.filter((s) => attrs(s.attributes)['failover_drill.hedge'] === true);
    expect(hedges.length).toBeGreaterThan(0);
    for (const hedge of hedges) {
      const a = attrs(hedge.attributes);
      expect(a['gen_ai.provider.name']).toBe('backup');
      expect(a['failover_drill.attempt']).toBeGreaterThan(1);
      expect(typeof a['failover_drill.outcome']).toBe('string');
    }
    // The first attempts are no hedges, and every root's hedge.start names its hedge's target.
    for (const attempt of attempts.filter(
      (s) => attrs(s.attributes)['failover_drill.attempt'] === 1,
    ))
      expect(attrs(attempt.attributes)['failover_drill.hedge']).toBeUndefined();
    const starts = spans.flatMap((s) => s.events.filter((e) => e.name === 'hedge.start'));
    expect(starts.length).toBe(hedges.length);
  });

  it('records prompts and answers only when asked', async () => {
    const { dir } = await drill({ recordContent: true });
    const roots = spansOf(readJsonl<TraceRequest>(join(dir, 'traces.jsonl'))).filter(
      (s) => !s.parentSpanId,
    );
    const first = attrs(roots[0]!.attributes);
    expect(JSON.parse(String(first['gen_ai.input.messages']))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: 'user',
          parts: [expect.objectContaining({ type: 'text' })],
        }),
      ]),
    );
    expect(String(first['gen_ai.output.messages'])).toContain('assistant');
  });

  it('sends OTLP/HTTP JSON to a collector', async () => {
    const received: { path: string; headers: IncomingHttpHeaders; body: unknown }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { report, dir } = await drill({ otlp: `http://127.0.0.1:${port}` });
      const traces = received.filter((r) => r.path === '/v1/traces');
      const metrics = received.filter((r) => r.path === '/v1/metrics');
      expect(traces.length).toBeGreaterThan(0);
      expect(metrics).toHaveLength(1);
      expect(traces[0]!.headers['content-type']).toMatch(/application\/json/);
      const spans = spansOf(traces.map((t) => t.body as TraceRequest));
      expect(spans.filter((s) => !s.parentSpanId)).toHaveLength(report.requests.total);
      expect(spans.filter((s) => s.parentSpanId)).toHaveLength(report.attempts.total);
      // The wire payload is what the file holds.
      const file = spansOf(readJsonl<TraceRequest>(join(dir, 'traces.jsonl')));
      expect(spans).toEqual(file);
      expect(
        attrs((traces[0]!.body as TraceRequest).resourceSpans[0]!.resource.attributes)[
          'service.name'
        ],
      ).toBe('failover-drill');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/** A collector on loopback that answers every export with `status`, noting the paths it was sent. */
async function collector(
  status: number,
): Promise<{ url: string; paths: string[]; close: () => Promise<void> }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a collector that fails', () => {
  it('is sent one batch: the rest of the spans and the metrics are counted, not sent', async () => {
    const refusing = await collector(400);
    try {
      const dir = tempDir();
      let failures: readonly string[] = [];
      const report = await runDrill(loadScenario(scenarioFile()), {
        telemetry: { dir, otlp: refusing.url },
        onExportFailures: (messages) => (failures = messages),
      });
      const spans = spansOf(readJsonl<TraceRequest>(join(dir, 'traces.jsonl'))).length;
      expect(spans).toBe(report.requests.total + report.attempts.total);
      expect(refusing.paths).toEqual(['/v1/traces']);
      expect(failures).toEqual([
        expect.stringMatching(new RegExp(`\\(${spans} spans not sent\\)$`)),
        'metrics not sent: the collector failed the traces',
      ]);
    } finally {
      await refusing.close();
    }
  });
});

describe('a collector that failed an earlier drill', () => {
  it('is sent nothing by the later drills of the process, which say why', async () => {
    const refusing = await collector(400);
    try {
      const drill = async (): Promise<readonly string[]> => {
        let failures: readonly string[] = [];
        await runDrill(loadScenario(scenarioFile()), {
          telemetry: { dir: tempDir(), otlp: refusing.url },
          onExportFailures: (messages) => (failures = messages),
        });
        return failures;
      };
      const first = await drill();
      expect(first[0]).toMatch(/^\S.*\(\d+ spans not sent\)$/);
      expect(first[0]).not.toMatch(/earlier drill/);
      expect(refusing.paths).toEqual(['/v1/traces']);
      const second = await drill();
      expect(refusing.paths).toEqual(['/v1/traces']);
      expect(second).toEqual([
        expect.stringMatching(
          /, in an earlier drill of this run; not sent again \(\d+ spans not sent\)$/,
        ),
        'metrics not sent: the collector failed the traces',
      ]);
      expect(second[0]?.startsWith(first[0]?.replace(/ \(\d+ spans not sent\)$/, '') ?? '-')).toBe(
        true,
      );
    } finally {
      await refusing.close();
    }
  });

  it("that failed the metrics alone is not sent the later drills' metrics", async () => {
    const refusing = await collector(400);
    try {
      for (const signal of ['', '_TRACES', '_METRICS'])
        vi.stubEnv(`OTEL_EXPORTER_OTLP${signal}_ENDPOINT`, '');
      vi.stubEnv('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', `${refusing.url}/v1/metrics`);
      const failures: (readonly string[])[] = [];
      for (let i = 0; i < 2; i++)
        await runDrill(loadScenario(scenarioFile()), {
          telemetry: { dir: tempDir(), otlp: 'env' },
          onExportFailures: (messages) => failures.push(messages),
        });
      expect(refusing.paths).toEqual(['/v1/metrics']);
      expect(failures).toHaveLength(2);
      expect(failures[1]).toEqual([
        `metrics not sent: ${failures[0]?.[0]}, in an earlier drill of this run; not sent again`,
      ]);
    } finally {
      vi.unstubAllEnvs();
      await refusing.close();
    }
  });
});

describe('a collector named by the standard variables', () => {
  it.each([
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '/v1/traces', ['/v1/traces']],
    ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', '/v1/metrics', ['/v1/metrics']],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', '', ['/v1/traces', '/v1/metrics']],
  ])('%s is sent only its signals', async (name, path, expected) => {
    const accepting = await collector(200);
    try {
      for (const signal of ['', '_TRACES', '_METRICS'])
        vi.stubEnv(`OTEL_EXPORTER_OTLP${signal}_ENDPOINT`, '');
      vi.stubEnv(name, `${accepting.url}${path}`);
      let failures: readonly string[] = [];
      await runDrill(loadScenario(scenarioFile()), {
        telemetry: { dir: tempDir(), otlp: 'env' },
        onExportFailures: (messages) => (failures = messages),
      });
      expect(failures).toEqual([]);
      expect([...new Set(accepting.paths)].sort()).toEqual([...expected].sort());
    } finally {
      vi.unstubAllEnvs();
      await accepting.close();
    }
  });
});

describe('the run command', () => {
  const bin = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    });

  it('writes traces.jsonl and metrics.jsonl beside report.json, or none with --traces off', () => {
    const on = tempDir();
    // The tiny scenario's content filter breaks its SLO: exit 1, reports written.
    expect(cli('run', scenarioFile(), '--out', on).status).toBe(1);
    expect(existsSync(join(on, 'traces.jsonl'))).toBe(true);
    expect(existsSync(join(on, 'metrics.jsonl'))).toBe(true);
    const off = tempDir();
    expect(cli('run', scenarioFile(), '--out', off, '--traces', 'off').status).toBe(1);
    expect(existsSync(join(off, 'traces.jsonl'))).toBe(false);
  });

  it.each([
    [['--trace-sample', '2'], /--trace-sample.*0 to 1/],
    [['--traces', 'maybe'], /--traces.*on or off/],
    [['--otlp', 'ftp://127.0.0.1'], /--otlp.*http or https/],
  ])('rejects %j as bad input (exit 2)', (flags, message) => {
    const out = tempDir();
    const result = cli('run', scenarioFile(), '--out', out, ...flags);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, 'traces.jsonl'))).toBe(false);
  });

  it('ends a drill whose collector cannot be reached as it would end, its files written', async () => {
    // A port nothing listens on: bound, then closed.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const out = tempDir();
    const result = spawnSync(
      process.execPath,
      [bin, 'run', scenarioFile(), '--out', out, '--otlp', `http://127.0.0.1:${port}`],
      {
        encoding: 'utf8',
        // The exporter's own timeout, retries included (10 s by default).
        env: { ...process.env, CI: 'true', OTEL_EXPORTER_OTLP_TIMEOUT: '1000' },
        timeout: 60_000,
      },
    );
    // The tiny scenario's content filter breaks its SLO, as without a collector.
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^failover-drill: telemetry export failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(\\d+ spans not sent\\)\nfailover-drill: telemetry export failed: metrics not sent: the collector failed the traces\n$`,
      ),
    );
    for (const file of ['report.json', 'traces.jsonl', 'metrics.jsonl'])
      expect(existsSync(join(out, file))).toBe(true);
  });

  it("tries a collector that cannot be reached once in a suite's drills, not once a drill", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = spawnSync(
      process.execPath,
      [
        bin,
        'run',
        scenarioFile(),
        join(import.meta.dirname, '..', '..', 'scenarios', 'conduct', '500-once.yaml'),
        '--workers',
        '1',
        '--out',
        tempDir(),
        '--otlp',
        `http://127.0.0.1:${port}`,
      ],
      {
        encoding: 'utf8',
        // Refused connections are retried until the exporter's timeout (10 s by default).
        env: { ...process.env, CI: 'true', OTEL_EXPORTER_OTLP_TIMEOUT: '1000' },
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    const refused = `connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`;
    expect(result.stderr).toMatch(
      new RegExp(
        `^failover-drill: telemetry export failed: ${refused} \\(\\d+ spans not sent\\)\n` +
          'failover-drill: telemetry export failed: metrics not sent: the collector failed the traces\n' +
          `failover-drill: telemetry export failed: ${refused}, in an earlier drill of this run; not sent again \\(\\d+ spans not sent\\)\n` +
          'failover-drill: telemetry export failed: metrics not sent: the collector failed the traces\n$',
      ),
    );
  });
});
