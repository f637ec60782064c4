import { createServer, connect, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-schema.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { drillSubject } from '../../src/subject/drill-subject.js';
import { loadSubject, SHIPPED_SUBJECTS } from '../../src/subject/load-subject.js';
import { EscapeError } from '../../src/subject/virtual-globals.js';
import { chatCompletion, writeTemp } from '../support/helpers.js';

const outage = loadScenario('scenarios/live/primary-outage.yaml');
const streamedOutage = loadScenario('scenarios/live/primary-outage-streamed.yaml');

/** The report without its wall time, as bytes. */
function bytes(report: Report): string {
  return JSON.stringify({ ...report, wallMs: 0 });
}

describe('the engine subject against the native run (scenarios/black-friday.yaml)', () => {
  let native: Report;
  let subject: Report;
  beforeAll(async () => {
    const scenario = loadScenario('scenarios/black-friday.yaml');
    native = await runDrill(scenario);
    subject = (await drillSubject(scenario, await loadSubject('engine'))).report;
  }, 60_000);

  it('gives the same requests, outcomes, latencies and attempts', () => {
    expect(subject.requests).toEqual(native.requests);
    expect(subject.availability).toBe(native.availability);
    expect(subject.latencyMs).toEqual(native.latencyMs);
    expect(subject.attempts.total).toBe(native.attempts.total);
    expect(subject.attempts.byProvider).toEqual(native.attempts.byProvider);
    expect(subject.failures).toEqual(native.failures);
    expect(subject.baseline).toEqual(native.baseline);
    expect(subject.slos.map((s) => [s.name, s.pass])).toEqual(
      native.slos.map((s) => [s.name, s.pass]),
    );
  });

  it('differs only where a black box counts from the providers’ side', () => {
    // Retries the engine scheduled but its breaker then skipped never reach a provider.
    expect(subject.attempts.retries).toBeLessThanOrEqual(native.attempts.retries);
    // The drill's marker ([drill:req-N]) adds a few input tokens to every request.
    expect(subject.costUsd.total).toBeGreaterThan(native.costUsd.total);
    expect(subject.costUsd.total / native.costUsd.total).toBeLessThan(1.005);
    // A failover is seen when the next provider gets the request, in whole milliseconds.
    expect(subject.failovers.map((f) => [f.from, f.to])).toEqual(
      native.failovers.map((f) => [f.from, f.to]),
    );
    const [s, n] = [subject.failovers[0]!, native.failovers[0]!];
    expect(Math.abs(s.atMs - n.atMs)).toBeLessThan(1_000);
    expect(subject.subject).toMatchObject({ name: 'engine', module: 'subjects/engine.js' });
  });
});

describe('every shipped subject', () => {
  it.each(SHIPPED_SUBJECTS)(
    '%s gives a byte-identical report for the same scenario and seed',
    async (name) => {
      const subject = await loadSubject(name);
      // 30% streamed: each subject's streaming path too.
      const first = await drillSubject(streamedOutage, subject);
      const second = await drillSubject(streamedOutage, subject);
      expect(bytes(second.report)).toBe(bytes(first.report));
      expect(first.report.requests.total).toBe(254);
      expect(first.report.attempts.total).toBeGreaterThan(0);
      expect(globalThis.setTimeout.name).not.toMatch(/fake/i);
    },
    60_000,
  );

  it('shows what each does with a primary outage: the SDK alone fails, the chains fail over', async () => {
    // One subject drill at a time: the globals are the process's.
    const reports: Record<string, Report> = {};
    for (const name of SHIPPED_SUBJECTS)
      reports[name] = (await drillSubject(outage, await loadSubject(name))).report;
    expect(reports['openai-sdk']!.availability).toBeLessThan(0.6);
    expect(reports['openai-sdk']!.attempts.byProvider.backup).toBeUndefined();
    for (const name of ['engine', 'sdk-fallback-chain', 'portkey', 'ai-sdk', 'langchain']) {
      expect(reports[name]!.availability, name).toBe(1);
      expect(reports[name]!.attempts.byProvider.backup, name).toBeGreaterThan(0);
    }
    expect(reports.portkey!.subject?.package).toEqual({
      name: '@portkey-ai/gateway',
      version: '1.15.2',
    });
  }, 60_000);
});

describe('a subject of our own', () => {
  it('fails a request its fetch throws for (subject-error), never the drill', async () => {
    const file = writeTemp(
      'flaky-subject.mjs',
      `let n = 0;
export default ({ providers }) => ({
  async fetch(request) {
    if (++n % 4 === 0) throw new Error('flaky');
    const body = await request.json();
    const url = providers.primary.baseUrl + '/chat/completions';
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, model: 'gpt-4o' }) });
  },
});
`,
    );
    const { report } = await drillSubject(outage, await loadSubject(file));
    expect(report.failures.byReason['subject-error']).toBe(Math.floor(254 / 4));
    expect(report.subject?.subjectErrors).toBe(Math.floor(254 / 4));
  }, 30_000);

  it('reaches no host but the scenario’s providers: the error names the host', async () => {
    const file = writeTemp(
      'elsewhere-subject.mjs',
      `export default ({ log }) => ({
  async fetch() {
    try { return await fetch('https://api.example.com/v1/chat/completions', { method: 'POST' }); }
    catch (error) { log(String(error.cause?.message)); throw error; }
  },
});
`,
    );
    const { report, log } = await drillSubject(outage, await loadSubject(file));
    expect(report.requests.failed).toBe(254);
    expect(log[0]).toMatch(/ENOTFOUND api\.example\.com/);
  }, 30_000);

  it('reads drill time from Date, performance.now and timers, and draws Math.random from the seed', async () => {
    const file = writeTemp(
      'clock-subject.mjs',
      `export default ({ log, scenario }) => {
  log(JSON.stringify({ date: Date.now() - scenario.startsAt, random: Math.random() }));
  return {
    async fetch() {
      const t0 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await new Promise((resolve, reject) => { const s = AbortSignal.timeout(10); s.onabort = () => resolve(); });
      log(String(performance.now() - t0));
      return Response.json({ id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    },
  };
};
`,
    );
    const a = await drillSubject(outage, await loadSubject(file));
    const b = await drillSubject(outage, await loadSubject(file));
    expect(JSON.parse(a.log[0]!).date).toBe(0);
    expect(a.log[0]).toBe(b.log[0]);
    expect(a.log[1]).toBe('1510');
    expect(a.report.latencyMs.max).toBe(1510);
  }, 30_000);

  describe('beside real immediates, which carry no time', () => {
    // Taken here, before the drill installs its own.
    const realSetImmediate = globalThis.setImmediate;

    it("runs beside Node's own (a PerformanceObserver of collections, as the CLI's drill heap keeps)", async () => {
      const { PerformanceObserver } = await import('node:perf_hooks');
      let collections = 0;
      const observer = new PerformanceObserver((list) => {
        collections += list.getEntries().length;
      });
      observer.observe({ entryTypes: ['gc'] });
      try {
        const { report } = await drillSubject(streamedOutage, await loadSubject('openai-sdk'));
        expect(report.requests.total).toBeGreaterThan(0);
      } finally {
        observer.disconnect();
      }
      expect(collections).toBeGreaterThan(0);
    }, 30_000);

    it('lets a real immediate run, and stops one that queues itself again and again', async () => {
      const once = {
        ...(await loadSubject('engine')),
        create: () => ({
          fetch: async () => {
            await new Promise((resolve) => realSetImmediate(resolve));
            return Response.json(chatCompletion('m'));
          },
        }),
      };
      const { report } = await drillSubject(outage, once);
      expect(report.requests.failed).toBe(0);
      let spinning = true;
      const spin = (): void => {
        if (spinning) realSetImmediate(spin);
      };
      const spinner = {
        ...(await loadSubject('engine')),
        create: () => ({
          fetch: () => {
            spin();
            return new Promise<Response>(() => undefined);
          },
        }),
      };
      try {
        await expect(drillSubject(outage, spinner)).rejects.toThrow(/Immediate/);
      } finally {
        spinning = false;
      }
    }, 30_000);
  });

  describe('that starts real I/O', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((socket) => socket.on('data', () => undefined));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('is stopped, naming what was left outstanding, and the real globals are back', async () => {
      const realSetTimeout = globalThis.setTimeout;
      const realRandom = Math.random;
      let socket: ReturnType<typeof connect> | undefined;
      const subject = {
        ...(await loadSubject('engine')),
        create: () => ({
          fetch: () => {
            socket ??= connect(port, '127.0.0.1');
            return new Promise<Response>(() => undefined);
          },
        }),
      };
      const drilled = drillSubject(outage, subject);
      await expect(drilled).rejects.toBeInstanceOf(EscapeError);
      await expect(drilled).rejects.toThrow(/TCPWRAP|TCPSocketWrap|TCP/i);
      socket?.destroy();
      expect(globalThis.setTimeout).toBe(realSetTimeout);
      expect(Math.random).toBe(realRandom);
    }, 30_000);
  });
});
