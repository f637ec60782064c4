/**
 * How a live drill counts what it cannot see: a scripted gateway with known behaviour (try the
 * primary, retry it once, fall back to the backup) must come out of the report as exactly that,
 * counted from the providers' side alone.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveDrill } from '../../src/live/drill.js';
import type { Report } from '../../src/report/report-schema.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { freePort, scenarioYaml, writeTemp } from '../support/helpers.js';

// Two OpenAI-wire providers, the primary down (503) from 30 s to 60 s of an 80 s drill.
const SCENARIO = scenarioYaml({
  replace: [
    ['duration: 2m', 'duration: 80s'],
    ['streaming: 50%', 'streaming: 0%'],
    ['wire: anthropic', 'wire: openai'],
    ['claude-sonnet-4-5: { input: 3, output: 15 }', 'gpt-4o-mini: { input: 0.15, output: 0.6 }'],
    ['backup/claude-sonnet-4-5]', 'backup/gpt-4o-mini]'],
  ],
});

/**
 * A gateway whose every move is known: the primary, once more on failure, then the backup.
 * `calls` records what it did, to hold the report against.
 */
function scriptedGateway(providers: string, calls: string[][]): Server {
  return createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const tried: string[] = [];
      const send = (provider: string, model: string) => {
        tried.push(provider);
        return fetch(`${providers}/${provider}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...body, model }),
        });
      };
      let answer = await send('primary', 'gpt-4o');
      if (!answer.ok) answer = await send('primary', 'gpt-4o');
      if (!answer.ok) answer = await send('backup', 'gpt-4o-mini');
      calls.push(tried);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(await answer.text());
    })();
  });
}

describe('a live drill counts a black box from the providers’ side', () => {
  let report: Report;
  let server: Server;
  const calls: string[][] = [];

  beforeAll(async () => {
    const scenario = loadScenario(writeTemp('scripted.yaml', SCENARIO));
    const providersPort = await freePort();
    server = scriptedGateway(`http://127.0.0.1:${providersPort}`, calls);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    report = await liveDrill(scenario, {
      target: `http://127.0.0.1:${port}/v1`,
      speed: 10,
      providersPort,
      maxRequests: 1_000,
      maxWallMs: 60_000,
      requestTimeoutMs: 10_000,
      connections: 8,
    });
  }, 30_000);

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('counts every provider request the gateway made, by provider', () => {
    const flat = calls.flat();
    expect(report.requests.total).toBe(calls.length);
    expect(report.attempts.total).toBe(flat.length);
    expect(report.attempts.byProvider).toEqual({
      backup: flat.filter((p) => p === 'backup').length,
      primary: flat.filter((p) => p === 'primary').length,
    });
    expect(report.attempts.maxPerRequest).toBe(Math.max(...calls.map((c) => c.length)));
    expect(report.live?.unattributedAttempts).toBe(0);
  });

  it('reads the second try of the primary as a retry, and the move to the backup as a failover', () => {
    const fellBack = calls.filter((c) => c.length === 3).length;
    expect(fellBack).toBeGreaterThan(10);
    expect(report.attempts.retries).toBe(fellBack);
    expect(report.failovers).toHaveLength(1);
    expect(report.failovers[0]).toMatchObject({
      from: 'primary/gpt-4o',
      to: 'backup/gpt-4o-mini',
    });
    expect(report.failovers[0]?.atMs).toBeGreaterThanOrEqual(30_000);
    expect(report.failovers[0]?.recoveredAtMs).toBeGreaterThanOrEqual(60_000);
  });

  it('bills the backup’s answers as useful and the outage’s 503s as free', () => {
    expect(report.availability).toBe(1);
    expect(report.costUsd.wasted).toBe(0);
    expect(Object.keys(report.costUsd.byModel).sort()).toEqual([
      'backup/gpt-4o-mini',
      'primary/gpt-4o',
    ]);
  });
});
