/**
 * The conduct scenarios, end to end: each fault class against the default preset, judged by
 * the scenario's own SLOs and by what the engine's events and the providers' bills show.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { EngineEvent } from '../src/engine/events.js';
import type { RequestOutcome } from '../src/engine/types.js';
import type { BillingRecord } from '../src/providers/response-plan.js';
import { answerSlice } from '../src/providers/wire-renderer.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import { runDrill } from '../src/simulator/run-drill.js';
import { simulate } from '../src/simulator/simulate.js';

const DIR = 'scenarios/conduct';
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

/** One conduct scenario's engine run, with every event and bill kept. */
async function observe(name: string) {
  const scenario = loadScenario(join(DIR, `${name}.yaml`));
  const events: EngineEvent[] = [];
  const bills: BillingRecord[] = [];
  const result = await simulate(scenario, scenario.failover, {
    seed: scenario.seed,
    onEvent: (e) => events.push(e),
    onBill: (b) => bills.push(b),
  });
  const outcomes = events.flatMap((e) => (e.type === 'request:end' ? [e.outcome] : []));
  const of = <T extends EngineEvent['type']>(type: T) =>
    events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  return { scenario, events, bills, outcomes, of, conduct: result.aggregate.conduct };
}

type Success = Extract<RequestOutcome, { ok: true }>;
const successes = (outcomes: readonly RequestOutcome[]): Success[] =>
  outcomes.filter((o): o is Success => o.ok);

describe('conduct scenarios', () => {
  it('cover every fault class of the conduct list', () => {
    expect(FILES.map((f) => f.replace('.yaml', '')).sort()).toEqual(
      [
        '429-retry-after',
        '429-forever',
        '500-once',
        '503-forever',
        'connection-reset',
        'no-response',
        'slow-first-token',
        'stream-cut',
        'stream-cut-continue',
        'stream-stall',
        'malformed-chunk',
        'stream-no-done',
        'context-length',
        'content-filter',
        'fallback-rejects-prefill',
        'primary-flaps',
        'failover-accounting',
      ].sort(),
    );
  });

  describe.each(FILES)('%s', (file) => {
    it('uses the default preset: no retry, timeout or breaker settings of its own', () => {
      const raw = parse(readFileSync(join(DIR, file), 'utf8')) as {
        failover: Record<string, unknown>;
      };
      expect(raw.failover.preset).toBe('default');
      expect(
        Object.keys(raw.failover).filter((k) => !['preset', 'groups', 'stream'].includes(k)),
      ).toEqual([]);
    });

    it('measures what its conduct SLOs read as worked out by hand from the events', async () => {
      const { scenario, events, of, conduct } = await observe(file.replace('.yaml', ''));
      const key = (t: { provider: string; model: string }): string => `${t.provider}/${t.model}`;
      // Attempts per target.
      const byTarget: Record<string, number> = {};
      for (const e of of('attempt:start'))
        byTarget[key(e.target)] = (byTarget[key(e.target)] ?? 0) + 1;
      expect(conduct.byTarget).toEqual(byTarget);
      // The gap before each request's first retry on a target that failed it.
      const failedAt = new Map<string, number>();
      const retried = new Set<string>();
      let firstGap = Number.POSITIVE_INFINITY;
      for (const e of events) {
        if (
          e.type === 'attempt:end' &&
          !e.ok &&
          e.reason !== 'aborted' &&
          e.reason !== 'breaker-open'
        )
          failedAt.set(`${e.requestId} ${key(e.target)}`, e.at);
        if (e.type !== 'attempt:start' || retried.has(e.requestId)) continue;
        const failed = failedAt.get(`${e.requestId} ${key(e.target)}`);
        if (failed === undefined) continue;
        retried.add(e.requestId);
        firstGap = Math.min(firstGap, e.at - failed);
      }
      expect(conduct.firstRetryGapMinMs).toBe(Number.isFinite(firstGap) ? firstGap : null);
      // Recovery: from each window's end to the earliest start of an attempt its target answered.
      const windows = scenario.faults.map((f) => ({
        target: f.target,
        end: scenario.startsAt + (f.until ?? (f.for === undefined ? Infinity : f.at + f.for)),
      }));
      const recovery = windows.map(({ target, end }) => {
        const starts = of('attempt:end')
          .filter((e) => e.ok && e.startedAt >= end)
          .filter((e) =>
            target.includes('/') ? key(e.target) === target : e.target.provider === target,
          )
          .map((e) => e.startedAt - end);
        return starts.length === 0 ? null : Math.min(...starts);
      });
      expect(conduct.recoveryMs).toEqual(recovery);
      // Answers handed over: the engine never passes a cut answer on, nor names the wrong model.
      expect(conduct.answers).toMatchObject({ truncated: 0, wrongModel: 0, invalid: 0 });
    });

    it('holds its SLOs', async () => {
      const report = await runDrill(loadScenario(join(DIR, file)));
      expect(report.slos.length).toBeGreaterThan(0);
      expect(report.slos.filter((s) => !s.pass)).toEqual([]);
    });
  });

  it('no response: a request never waits on the silent primary twice', async () => {
    const { of } = await observe('no-response');
    const timeouts = new Map<string, number>();
    for (const e of of('attempt:end'))
      if (e.reason === 'timeout') timeouts.set(e.requestId, (timeouts.get(e.requestId) ?? 0) + 1);
    expect(timeouts.size).toBeGreaterThan(0);
    expect(Math.max(...timeouts.values())).toBe(1);
  });

  it('content filter: the provider’s reason reaches the caller, with no retry and no stand-in', async () => {
    const { outcomes, of } = await observe('content-filter');
    const refused = outcomes.filter((o) => !o.ok);
    expect(refused.length).toBeGreaterThan(0);
    for (const o of refused) {
      expect(o).toMatchObject({
        refusal: 'content-filter',
        status: 400,
        attempts: 1,
        message: expect.stringMatching(/content/i),
      });
    }
    expect(of('failover')).toEqual([]);
    expect(of('answer:degraded')).toEqual([]);
  });

  it('context length: the refused request goes on to the larger-context group, not the same model', async () => {
    const { outcomes, of } = await observe('context-length');
    const refusals = of('attempt:end').filter((e) => e.status === 400);
    expect(refusals.length).toBeGreaterThan(0);
    const refusedIds = new Set(refusals.map((e) => e.requestId));
    for (const o of successes(outcomes).filter((s) => refusedIds.has(s.requestId))) {
      expect(o.target).toEqual({ provider: 'fallback', model: 'claude-sonnet-4-5' });
      expect(o.attempts).toBe(2);
    }
  });

  it('stream without [DONE]: answers finish with their usage, on the primary', async () => {
    const { outcomes } = await observe('stream-no-done');
    const answers = successes(outcomes);
    expect(answers).toHaveLength(outcomes.length);
    for (const a of answers) {
      expect(a.usage.outputTokens).toBeGreaterThan(0);
      expect(a.usage.inputTokens).toBeGreaterThan(0);
    }
  });

  it('stream cut, continued: the answer reads on exactly where the cut one stopped', async () => {
    const { outcomes } = await observe('stream-cut-continue');
    const continued = successes(outcomes).filter((o) => o.continues !== undefined);
    expect(continued.length).toBeGreaterThan(0);
    for (const o of continued) {
      expect(o.text).toBe(answerSlice(0, o.text.length));
      expect(o.target.provider).toBe('fallback');
    }
  });

  it('fallback rejects prefill: one refusal, then clean restarts that are whole answers', async () => {
    const { outcomes, of } = await observe('fallback-rejects-prefill');
    expect(of('prefill:refused')).toHaveLength(1);
    const prefilled = of('attempt:end').filter((e) => e.prefilled === true);
    expect(prefilled).toHaveLength(1);
    for (const o of successes(outcomes)) expect(o.continues).toBeUndefined();
  });

  it('primary flaps: the breaker opens, probes and closes after each outage', async () => {
    const { of } = await observe('primary-flaps');
    const primary = of('breaker:transition').filter((t) => t.target.provider === 'primary');
    const closes = primary.filter((t) => t.from === 'half-open' && t.to === 'closed');
    expect(closes.length).toBeGreaterThanOrEqual(2);
    expect(primary.at(-1)?.to).toBe('closed');
  });

  it('failover accounting: answers name who produced them, and failed attempts cost what they used', async () => {
    const { outcomes, bills, of } = await observe('failover-accounting');
    const billed = new Map(bills.map((b) => [b.attemptId, b]));
    for (const o of successes(outcomes)) {
      const bill = billed.get(`${o.requestId}#${o.attempt}`);
      expect(bill).toMatchObject({
        provider: o.target.provider,
        model: o.target.model,
        outputTokens: o.usage.outputTokens,
      });
    }
    for (const e of of('attempt:end')) {
      if (e.ok) continue;
      const bill = billed.get(`${e.requestId}#${e.attempt}`);
      // An error status costs nothing; a cut stream bills the 40 tokens it sent.
      if (e.reason === 'http-status') expect(bill).toBeUndefined();
      if (e.reason === 'stream-cut') expect(bill?.outputTokens).toBe(40);
    }
  });
});
