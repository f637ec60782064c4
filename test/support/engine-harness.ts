import { failoverConfigSchema, type FailoverConfigInput } from '../../src/engine/config.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { FailoverEngine } from '../../src/engine/failover-engine.js';
import type { Transport } from '../../src/engine/transport.js';
import type { ChatRequest, RequestOutcome } from '../../src/engine/types.js';
import { seededRng } from '../../src/seeded-rng.js';
import { VirtualClock } from '../../src/simulator/virtual-clock.js';

/** One scripted answer: a status with optional headers, a connection reset, or silence. */
export type Scripted =
  | { status: number; headers?: Record<string, string>; body?: unknown; latencyMs?: number }
  | 'reset'
  | 'hang';

/** An OpenAI-style success body. */
export const okBody = {
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1 },
};

/** Builds an engine over a scripted transport on a virtual clock; records calls and events. */
export function engineHarness(
  config: FailoverConfigInput,
  script: (provider: string, call: number, now: number) => Scripted,
  latencyMs = 10,
) {
  const clock = new VirtualClock(0);
  const calls: { provider: string; at: number }[] = [];
  const counts = new Map<string, number>();
  const transport: Transport = async (request, signal) => {
    const provider = new URL(request.url).hostname.split('.')[0] ?? '';
    const n = (counts.get(provider) ?? 0) + 1;
    counts.set(provider, n);
    calls.push({ provider, at: clock.now() });
    const answer = script(provider, n, clock.now());
    await new Promise<void>((resolve, reject) => {
      const timer = clock.setTimer(
        answer === 'hang'
          ? Number.POSITIVE_INFINITY
          : answer === 'reset'
            ? latencyMs
            : (answer.latencyMs ?? latencyMs),
        resolve,
      );
      signal.addEventListener('abort', () => {
        timer.dispose();
        reject(new Error('aborted'));
      });
    });
    if (answer === 'reset' || answer === 'hang')
      throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    const body =
      answer.body ??
      (answer.status < 400 ? okBody : { error: { message: 'boom', type: 'server_error' } });
    return new Response(JSON.stringify(body), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  };
  const endpoints = Object.fromEntries(
    ['primary', 'backup', 'budget'].map((p) => [
      p,
      { wire: 'openai' as const, baseUrl: `https://${p}.test/v1` },
    ]),
  );
  const engine = new FailoverEngine(failoverConfigSchema.parse(config), {
    clock,
    transport,
    rng: seededRng(1, 'engine'),
    endpoints,
  });
  const events: EngineEvent[] = [];
  engine.events.on((e) => events.push(e));
  let n = 0;
  const request = (group = 'chat'): ChatRequest => ({
    id: `r${++n}`,
    group,
    messages: [{ role: 'user', content: 'hello' }],
    maxTokens: 16,
    stream: false,
  });
  return { clock, engine, calls, events, request };
}

/** Sends one request through a harness and runs the clock until it is answered. */
export async function one(h: ReturnType<typeof engineHarness>): Promise<RequestOutcome> {
  const outcome = h.engine.handle(h.request());
  await h.clock.run();
  return outcome;
}
