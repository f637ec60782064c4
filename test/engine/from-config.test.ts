import { describe, expect, it } from 'vitest';
import { failoverConfigSchema } from '../../src/engine/config.js';
import { EventHub } from '../../src/engine/events.js';
import {
  attemptDepsFor,
  canaryJudgesFor,
  healthCheckerFor,
  responseCacheFor,
  spendGuardFor,
} from '../../src/engine/from-config.js';
import { PrefillSupport } from '../../src/engine/prefill.js';
import { VirtualClock } from '../../src/simulator/virtual-clock.js';

const base = { groups: { chat: { targets: ['primary/m', 'backup/m'] } } };

describe('the config-to-engine mapping', () => {
  const clock = new VirtualClock(0);

  it('builds no optional part the config leaves out', () => {
    const config = failoverConfigSchema.parse(base);
    expect(spendGuardFor(config, clock)).toBeUndefined();
    expect(responseCacheFor(config, clock)).toBeUndefined();
    expect(healthCheckerFor(config, clock, new EventHub(), () => () => never())).toBeUndefined();
    expect(canaryJudgesFor(config).size).toBe(0);
  });

  it('gives each canary group its judge, with the share as a fraction', () => {
    const config = failoverConfigSchema.parse({
      groups: { chat: { ...base.groups.chat, canary: { target: 'budget/m', share: '20%' } } },
    });
    const judge = canaryJudgesFor(config).get('chat');
    expect(judge?.options.share).toBeCloseTo(0.2);
    expect(judge?.options.target).toEqual({ provider: 'budget', model: 'm' });
  });

  it('leaves a stream limit set to off unset, and passes milliseconds through', () => {
    const config = failoverConfigSchema.parse({
      ...base,
      timeout: { firstToken: 'off', streamIdle: '2s' },
    });
    const deps = attemptDepsFor(config, {
      clock,
      transport: () => never(),
      events: new EventHub(),
      endpoints: {},
      prefill: new PrefillSupport({}, () => undefined),
    });
    expect(deps.streamLimits).toEqual({ firstTokenMs: undefined, streamIdleMs: 2_000 });
  });

  it('probes each target the groups name once, however many groups name it', async () => {
    const config = failoverConfigSchema.parse({
      groups: {
        chat: { targets: ['primary/m', 'backup/m'] },
        long: { targets: ['backup/m'] },
      },
      healthCheck: { interval: '10s' },
    });
    const probed: string[] = [];
    const checker = healthCheckerFor(config, clock, new EventHub(), () => (ctx) => {
      probed.push(`${ctx.target.provider}/${ctx.target.model}:${ctx.request.maxTokens}`);
      return Promise.resolve({
        ok: false,
        target: ctx.target,
        reason: 'network',
        failureClass: 'transient',
        message: '',
      });
    });
    checker?.start();
    checker?.stop();
    await clock.run();
    expect(probed).toEqual(['primary/m:1', 'backup/m:1']);
  });
});

function never(): never {
  throw new Error('not called in this test');
}
