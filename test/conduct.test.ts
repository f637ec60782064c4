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
  await simulate(scenario, scenario.failover, {
    seed: scenario.seed,
    onEvent: (e) => events.push(e),
    onBill: (b) => bills.push(b),
  });
  const outcomes = events.flatMap((e) => (e.type === 'request:end' ? [e.outcome] : []));
  const of = <T extends EngineEvent['type']>(type: T) =>
    events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  return { events, bills, outcomes, of };
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

    it('holds its SLOs', async () => {
      const report = await runDrill(loadScenario(join(DIR, file)));
      expect(report.slos.length).toBeGreaterThan(0);
      expect(report.slos.filter((s) => !s.pass)).toEqual([]);
    });
  });

  it('429 with Retry-After: every retry on the primary waits the 2 s it was told', async () => {
    const { of } = await observe('429-retry-after');
    const retries = of('retry:scheduled');
    expect(retries.length).toBeGreaterThan(10);
    for (const r of retries) expect(r.delayMs).toBeGreaterThanOrEqual(2_000);
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

  it('primary flaps: the breaker opens, probes, closes, and traffic returns to the primary', async () => {
    const { outcomes, of } = await observe('primary-flaps');
    const primary = of('breaker:transition').filter((t) => t.target.provider === 'primary');
    const closes = primary.filter((t) => t.from === 'half-open' && t.to === 'closed');
    expect(closes.length).toBeGreaterThanOrEqual(2);
    expect(primary.at(-1)?.to).toBe('closed');
    const last = successes(outcomes).slice(-20);
    expect(last.every((o) => o.target.provider === 'primary')).toBe(true);
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
      expect(o.responseModel).toBe(o.target.model);
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
