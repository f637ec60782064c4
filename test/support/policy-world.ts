/**
 * A policy under test in a small world of its own: a virtual clock, seeded rng, recorded events
 * and one attempt context, with a success and a transient failure to answer with.
 */
import { EventHub, type EngineEvent } from '../../src/engine/events.js';
import type { AttemptContext, AttemptFn, PolicyEnv } from '../../src/engine/policy.js';
import type { AttemptFailure, AttemptOutcome } from '../../src/engine/types.js';
import { seededRng } from '../../src/seeded-rng.js';
import { VirtualClock } from '../../src/simulator/virtual-clock.js';

export const TARGET = { provider: 'p', model: 'm' };
export const OK: AttemptOutcome = {
  ok: true,
  target: TARGET,
  status: 200,
  text: 'fine',
  usage: { inputTokens: 1, outputTokens: 1 },
  finishReason: 'stop',
  responseModel: 'm',
};
export const FAILED = (extra: Partial<AttemptFailure> = {}): AttemptOutcome => ({
  ok: false,
  target: TARGET,
  reason: 'http-status',
  status: 503,
  message: '503',
  failureClass: 'transient',
  ...extra,
});

export function world(deadline = 60_000) {
  const clock = new VirtualClock(0);
  const events: EngineEvent[] = [];
  const hub = new EventHub();
  hub.on((e) => events.push(e));
  const env: PolicyEnv = { clock, rng: seededRng(1, 'policies'), events: hub };
  const ctx: AttemptContext = {
    request: {
      id: 'r1',
      group: 'g',
      messages: [{ role: 'user', content: 'hi' }],
      maxTokens: 8,
      stream: false,
    },
    target: TARGET,
    signal: new AbortController().signal,
    state: { attempts: 0, deadline, startedAt: 0 },
  };
  const run = async (execute: (next: AttemptFn) => Promise<AttemptOutcome>, next: AttemptFn) => {
    const pending = execute(next);
    await clock.run();
    return pending;
  };
  return { clock, env, ctx, events, run };
}
