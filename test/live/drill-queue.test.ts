/**
 * When the drill's own connection pool is the bottleneck, the wait for a connection is not the
 * gateway's latency: the report counts the requests that queued and the summary says so.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveDrill } from '../../src/live/drill.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderSummary } from '../../src/report/render-summary.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { chatCompletion, freePort, scenarioYaml, writeTemp } from '../support/helpers.js';

/** A gateway that answers every request itself, after `delayMs` of wall time. */
function slowGateway(delayMs: number): Server {
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(chatCompletion()));
      }, delayMs);
    });
  });
}

describe('a live drill whose own connections run out', () => {
  let server: Server;
  let target: string;
  const scenario = loadScenario(
    writeTemp('queue.yaml', scenarioYaml({ replace: [['streaming: 50%', 'streaming: 0%']] })),
  );

  beforeAll(async () => {
    // A request a second of drill time at speed 10 is one every 100 ms; each takes 300 ms.
    server = slowGateway(300);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const drill = async (connections: number) =>
    liveDrill(scenario, {
      target,
      speed: 10,
      providersPort: await freePort(),
      maxRequests: 12,
      maxWallMs: 30_000,
      requestTimeoutMs: 10_000,
      connections,
    });

  it('counts the requests that waited for a connection and warns in the summary', async () => {
    const report = await drill(1);
    expect(report.live?.queuedForConnection).toBeGreaterThan(0);
    expect(renderSummary(report)).toMatch(
      /warning: \d+ request\(s\) waited for one of the drill's own connections; their latency includes that wait\. Raise --connections\./,
    );
    expect(renderMarkdown(report)).toMatch(
      /\*\*Warning:\*\* \d+ request\(s\) waited for one of the drill's own connections/,
    );
    expect(renderHtml(report)).toMatch(/<strong>Warning:<\/strong> \d+ request\(s\) waited/);
  }, 30_000);

  it('counts none, and says nothing, when the pool is large enough', async () => {
    const report = await drill(16);
    expect(report.live?.queuedForConnection).toBe(0);
    expect(renderSummary(report)).not.toMatch(/waited for one of the drill's own connections/);
    expect(renderMarkdown(report)).not.toMatch(/waited for one of the drill's own connections/);
  }, 30_000);
});
