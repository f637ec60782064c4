import { describe, expect, it } from 'vitest';
import { failoverConfigSchema } from '../../src/engine/config.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { PrefillSupport } from '../../src/engine/prefill.js';
import type { RequestOutcome } from '../../src/engine/types.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { parseSlo } from '../../src/scenario/slo.js';
import { simulate } from '../../src/simulator/simulate.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';

/**
 * The tiny scenario, all streamed, the primary cutting every stream after 20 tokens; `stream`
 * is the config's stream section, `backup` more lines of the backup provider.
 */
async function cutStreams(stream: string, backup = '') {
  const base = scenarioYaml({
    replace: [
      ['streaming: 50%', 'streaming: 100%'],
      [
        'latency: { ttft: 300ms, tokensPerSecond: 80 }',
        `latency: { ttft: 300ms, tokensPerSecond: 80 }${backup === '' ? '' : `\n    ${backup}`}`,
      ],
    ],
  });
  const text = base
    .replace(
      base.slice(base.indexOf('faults:'), base.indexOf('failover:')),
      'faults:\n  - { kind: stream-cut, target: primary, afterTokens: 20 }\n',
    )
    .replace(
      'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]',
      `targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n  stream: ${stream}`,
    );
  const scenario = loadScenario(writeTemp('s.yaml', text));
  const events: EngineEvent[] = [];
  await simulate(scenario, scenario.failover, { seed: 1, onEvent: (e) => events.push(e) });
  const outcomes: RequestOutcome[] = events.flatMap((e) =>
    e.type === 'request:end' ? [e.outcome] : [],
  );
  return { events, outcomes };
}

describe('a stream that breaks mid-answer', () => {
  it('with onBreak: error, ends the request with the stream error: no retry, no failover, no stand-in', async () => {
    const { events, outcomes } = await cutStreams(
      '{ onBreak: error }\n  degrade: { static: sorry }',
    );
    expect(outcomes.length).toBeGreaterThan(0);
    for (const o of outcomes) {
      expect(o).toMatchObject({
        ok: false,
        reason: 'stream-cut',
        attempts: 1,
        message: expect.stringContaining('stream.onBreak: error'),
      });
    }
    expect(events.filter((e) => e.type === 'failover' || e.type === 'retry:scheduled')).toEqual([]);
  });

  it('with onBreak: restart, never sends a prefill', async () => {
    const { events, outcomes } = await cutStreams('{ onBreak: restart }', 'prefill: true');
    expect(outcomes.every((o) => o.ok && o.continues === undefined)).toBe(true);
    expect(events.some((e) => e.type === 'attempt:end' && e.prefilled === true)).toBe(false);
  });

  it('with onBreak: continue, does not prefill a provider the config says cannot', async () => {
    const { events, outcomes } = await cutStreams(
      '{ onBreak: continue, prefill: { backup: false } }',
      'prefill: true',
    );
    expect(outcomes.every((o) => o.ok && o.continues === undefined)).toBe(true);
    expect(events.some((e) => e.type === 'attempt:end' && e.prefilled === true)).toBe(false);
  });

  it('with onBreak: continue, finishes the answer on a target that continues prefills', async () => {
    const { outcomes } = await cutStreams('{ onBreak: continue }', 'prefill: true');
    const continued = outcomes.filter((o) => o.ok && o.continues !== undefined);
    expect(continued.length).toBeGreaterThan(0);
    for (const o of outcomes) {
      expect(o).toMatchObject({ ok: true, target: { provider: 'backup' } });
      // Once the primary's breaker is open, requests start on the backup: nothing to continue.
      if (o.ok && o.attempts > 1) expect(o.continues).toEqual(expect.any(Array));
    }
    for (const o of continued) {
      // 50 tokens asked for, four characters a token: the whole answer, not the continuation.
      if (o.ok) expect(o.text.length).toBeGreaterThanOrEqual(199);
    }
  });
});

describe('PrefillSupport', () => {
  const wires = { openai: 'openai', anthropic: 'anthropic' } as const;
  const wire = (provider: string) => wires[provider as keyof typeof wires];

  it('tries Anthropic-wire targets, never undeclared OpenAI-wire ones, and believes the config', () => {
    const support = new PrefillSupport({ openai: true }, wire);
    expect(support.supports({ provider: 'anthropic', model: 'm' })).toBe(true);
    expect(support.supports({ provider: 'openai', model: 'm' })).toBe(true);
    expect(new PrefillSupport({}, wire).supports({ provider: 'openai', model: 'm' })).toBe(false);
  });

  it('remembers a refusal per target, whatever the config said', () => {
    const support = new PrefillSupport({ openai: true }, wire);
    support.refused({ provider: 'openai', model: 'a' });
    expect(support.supports({ provider: 'openai', model: 'a' })).toBe(false);
    expect(support.supports({ provider: 'openai', model: 'b' })).toBe(true);
  });
});

describe('config', () => {
  it('checks that a context fallback names another defined group', () => {
    const result = failoverConfigSchema.safeParse({
      groups: {
        chat: { targets: ['a/b'], contextFallback: 'long' },
        self: { targets: ['a/b'], contextFallback: 'self' },
      },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['groups.chat.contextFallback', 'model group "long" is not defined in groups'],
      ['groups.self.contextFallback', 'a group cannot be its own context fallback'],
    ]);
  });

  it('reads SLOs on the new report figures', () => {
    expect(parseSlo('attempts.earlyRetries == 0')).toMatchObject({
      metric: 'attempts.earlyRetries',
      threshold: 0,
    });
    expect(parseSlo('breaker.openAtEnd <= 1')).toMatchObject({ metric: 'breaker.openAtEnd' });
  });
});
