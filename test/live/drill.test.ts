/**
 * `drill` against our own engine exposed as an OpenAI-compatible gateway (`gateway`): the live
 * report must tell the same story as the simulated run of the same scenario, with attempts
 * counted on the provider side, traces written, and no secret anywhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineGateway } from '../../src/live/engine-gateway.js';
import { markedRequestId } from '../../src/simulator/attribution.js';
import { liveDrill, planCut, publicTarget } from '../../src/live/drill.js';
import { reportSchema, type Report } from '../../src/report/report-schema.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { seededRng } from '../../src/seeded-rng.js';
import { arrivalTimes, RequestFactory } from '../../src/simulator/traffic.js';
import { freePort, tempDir } from '../support/helpers.js';

/** The arrivals a drill of `s` sends: traffic draws interleaved as the drill makes them. */
function sentArrivals(s: typeof scenario, seed: number): number[] {
  const rng = seededRng(seed, 'traffic');
  const factory = new RequestFactory(s.traffic, rng);
  const times: number[] = [];
  for (const t of arrivalTimes(s.traffic, s.duration, rng)) {
    factory.next();
    times.push(t);
  }
  return times;
}

const root = join(import.meta.dirname, '..', '..');
const scenario = loadScenario(join(root, 'scenarios', 'live', 'primary-outage.yaml'));
const API_KEY = 'sk-drill-secret-4f1e9a';
const HEADER_SECRET = 'hdr-secret-77c2d0';

interface OtlpSpan {
  name: string;
  parentSpanId?: string;
}

function spansOf(file: string): OtlpSpan[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .flatMap((line) => {
      const request = JSON.parse(line) as {
        resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      return request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    });
}

describe('drill through our engine as a gateway', () => {
  let simulated: Report;
  let live: Report;
  let dir: string;
  let authorizations: Set<string | undefined>;

  beforeAll(async () => {
    simulated = await runDrill(scenario);
    dir = tempDir();
    authorizations = new Set();
    // The gateway is started first, pointed at the port the drill will serve the providers on.
    const providersPort = await freePort();
    const gateway = await engineGateway(scenario, {
      providers: `http://127.0.0.1:${providersPort}`,
      port: 0,
      host: '127.0.0.1',
      speed: 20,
    });
    gateway.server.prependListener('request', (req) =>
      authorizations.add(req.headers.authorization),
    );
    target = gateway.baseUrl;
    try {
      live = await liveDrill(scenario, {
        target,
        speed: 20,
        providersPort,
        maxRequests: 10_000,
        maxWallMs: 60_000,
        requestTimeoutMs: 30_000,
        connections: 16,
        apiKey: API_KEY,
        headers: { 'x-gateway-secret': HEADER_SECRET },
        telemetry: { dir },
      });
    } finally {
      await gateway.close();
    }
  }, 90_000);

  let target = '';
  it('names the gateway it drilled', () => {
    expect(live.live?.target).toBe(target);
  });

  it('writes a report.json that meets the contract, marked live', () => {
    expect(reportSchema.safeParse(live).success).toBe(true);
    expect(live.live).toMatchObject({ speed: 20, cutAtMs: 240_000, unattributedAttempts: 0 });
    expect(live.live?.requestsSent).toBe(live.requests.total);
  });

  it('sends the same traffic as the simulated run, and has the same baseline', () => {
    expect(live.requests.total).toBe(simulated.requests.total);
    expect(live.baseline).toEqual(simulated.baseline);
    // The windows are the same; when the target served again is timed by each run's own clock.
    const windows = (r: Report) => r.faults.map(({ recoveryMs: _, ...window }) => window);
    expect(windows(live)).toEqual(windows(simulated));
    expect(live.faults[0]?.recoveryMs).toBeGreaterThan(0);
  });

  it('tells the same story as the simulation: every request answered, one failover', () => {
    expect(live.availability).toBe(1);
    expect(live.failovers).toHaveLength(1);
    const [episode] = live.failovers;
    expect(episode?.from).toBe('primary/gpt-4o');
    expect(episode?.to).toBe('backup/claude-sonnet-4-5');
    // The outage starts at 60 s of drill time; a loaded machine delays the live clock a little (1 ms of wall time is 20 ms of drill time).
    expect(episode?.atMs).toBeGreaterThanOrEqual(60_000);
    expect(episode?.atMs).toBeLessThan(70_000);
    expect(episode?.recoveredAtMs).toBeGreaterThanOrEqual(180_000);
  });

  it('counts attempts on the provider side, close to the engine’s own count', () => {
    expect(Object.keys(live.attempts.byProvider)).toEqual(['backup', 'primary']);
    const ratio = live.attempts.total / simulated.attempts.total;
    expect(ratio).toBeGreaterThan(0.95);
    expect(ratio).toBeLessThan(1.05);
    expect(live.attempts.maxPerRequest).toBeLessThanOrEqual(3);
    expect(live.attempts.total).toBe(
      Object.values(live.attempts.byProvider).reduce((a, b) => a + b, 0),
    );
    const costRatio = live.costUsd.total / simulated.costUsd.total;
    expect(costRatio).toBeGreaterThan(0.9);
    expect(costRatio).toBeLessThan(1.1);
  });

  it('judges the SLOs it can see and lists the one inside the gateway', () => {
    expect(live.live?.unjudged).toEqual(['breaker.opens >= 1']);
    expect(live.slos.map((s) => s.metric)).toEqual([
      'availability',
      'latency.p95',
      'attempts.maxPerRequest',
    ]);
    expect(live.pass).toBe(true);
  });

  it('writes traces: one root per request, one child per provider attempt', () => {
    const spans = spansOf(join(dir, 'traces.jsonl'));
    const roots = spans.filter((s) => s.parentSpanId === undefined || s.parentSpanId === '');
    expect(roots).toHaveLength(live.requests.total);
    expect(spans.length - roots.length).toBe(live.attempts.total);
  });

  it('sends the API key to the gateway, and writes it nowhere', () => {
    expect([...authorizations]).toEqual([`Bearer ${API_KEY}`]);
    const written = [
      JSON.stringify(live),
      ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')),
    ].join('\n');
    expect(written).not.toContain(API_KEY);
    expect(written).not.toContain(HEADER_SECRET);
    // No prompt text either, and no drill marker.
    expect(written).not.toContain('where is my order');
    expect(written).not.toContain('[drill:');
  });
});

describe('live drill helpers', () => {
  it('reads the request id from the marker in a provider request body', () => {
    const body = Buffer.from(
      JSON.stringify({ model: 'm', messages: [{ role: 'user', content: '[drill:req-17] hi' }] }),
    );
    expect(markedRequestId(body)).toBe('req-17');
    expect(markedRequestId(Buffer.from('{"model":"m"}'))).toBeUndefined();
    expect(markedRequestId(undefined)).toBeUndefined();
  });

  it('cuts the scenario where the request or time bound is reached', () => {
    const all = sentArrivals(scenario, 7);
    expect(planCut(scenario, 7, 1_000_000, Number.POSITIVE_INFINITY)).toBe(scenario.duration);
    expect(planCut(scenario, 7, 1_000_000, 90_000)).toBe(90_000);
    // Cut at 50 requests: the cut scenario sends exactly the first 50.
    const cut = planCut(scenario, 7, 50, Number.POSITIVE_INFINITY);
    const sent = sentArrivals({ ...scenario, duration: cut }, 7);
    expect(sent).toEqual(all.slice(0, 50));
  });

  it('shows the target without credentials or query', () => {
    expect(publicTarget('http://user:pw@127.0.0.1:8787/v1/?key=abc')).toBe(
      'http://127.0.0.1:8787/v1',
    );
  });
});
