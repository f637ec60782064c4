/**
 * Engine invariants, as properties over generated scenarios (the arbitraries of
 * `failover-drill/testing`): each one drills small generated worlds and checks what must hold
 * whatever the faults, the traffic and the config.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  OUTAGE_KINDS,
  SCENARIO_TARGETS,
  faultArb,
  scenarioArb,
} from '../../src/check/arbitraries.js';
import type { Clock } from '../../src/engine/clock.js';
import { EventHub, type BreakerState, type EngineEvent } from '../../src/engine/events.js';
import { circuitBreaker } from '../../src/engine/policies/circuit-breaker.js';
import { failoverConfigSchema } from '../../src/engine/config.js';
import { FailoverEngine } from '../../src/engine/failover-engine.js';
import { bulkhead } from '../../src/engine/policies/bulkhead.js';
import type { AttemptOutcome, RequestOutcome } from '../../src/engine/types.js';
import type { BillingRecord } from '../../src/providers/response-plan.js';
import { loadScenario, type Scenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { seededRng } from '../../src/seeded-rng.js';
import { simulate } from '../../src/simulator/simulate.js';
import { VirtualClock } from '../../src/simulator/virtual-clock.js';
import { writeTemp } from '../support/helpers.js';

/** Runs per property: each run is a whole (small) drill. */
/** One target, and a successful attempt on it, for the policy-level properties. */
const TARGET = { provider: 'p', model: 'm' };
const OK: AttemptOutcome = {
  ok: true,
  target: TARGET,
  status: 200,
  text: '',
  usage: { inputTokens: 1, outputTokens: 1 },
  finishReason: 'stop',
  responseModel: 'm',
};

const RUNS = 12;
const PROPERTY = { numRuns: RUNS, seed: 20261123 };

function load(world: Record<string, unknown>): Scenario {
  return loadScenario(writeTemp('world.json', JSON.stringify(world)));
}

async function observe(world: Record<string, unknown>) {
  const scenario = load(world);
  const events: EngineEvent[] = [];
  const bills: BillingRecord[] = [];
  const result = await simulate(scenario, scenario.failover, {
    seed: scenario.seed,
    onEvent: (e) => events.push(e),
    onBill: (b) => bills.push(b),
  });
  const outcomes: RequestOutcome[] = events.flatMap((e) =>
    e.type === 'request:end' ? [e.outcome] : [],
  );
  return { scenario, events, bills, outcomes, aggregate: result.aggregate };
}

describe('engine invariants', () => {
  it('every caller request ends exactly once, a failure with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (world) => {
        const { events, outcomes } = await observe(world);
        const started = events.flatMap((e) => (e.type === 'request:start' ? [e.requestId] : []));
        const ended = outcomes.map((o) => o.requestId);
        expect(new Set(started).size).toBe(started.length);
        expect([...ended].sort()).toEqual([...started].sort());
        for (const o of outcomes) if (!o.ok) expect(o.reason).toMatch(/\w/);
      }),
      PROPERTY,
    );
  });

  it('sends no attempt to a target whose breaker is open (half-open probes only)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (world) => {
        const { events } = await observe(world);
        const state = new Map<string, BreakerState>();
        for (const e of events) {
          const key = 'target' in e ? `${e.target.provider}/${e.target.model}` : '';
          if (e.type === 'breaker:transition') state.set(key, e.to);
          if (e.type === 'attempt:start') expect(state.get(key) ?? 'closed').not.toBe('open');
        }
      }),
      PROPERTY,
    );
  });

  it('keeps attempts within the retry limit on each target, and the chain times it in all', async () => {
    // Retryable failures on the first target, under any retry limit and breaker threshold.
    const world = fc.tuple(
      scenarioArb({ maxFaults: 0 }),
      fc.array(
        faultArb({ targets: ['primary'], durationMs: 2 * 60_000, kinds: ['outage', 'error-rate'] }),
        { minLength: 1, maxLength: 3 },
      ),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 10 }),
    );
    await fc.assert(
      fc.asyncProperty(world, async ([base, faults, maxAttempts, consecutiveFailures]) => {
        const { events, outcomes } = await observe({
          ...base,
          duration: '2m',
          faults,
          failover: {
            groups: { chat: { targets: ['primary/gpt-4o', 'backup/claude-sonnet-4-5'] } },
            retry: { maxAttempts, baseDelay: '20ms' },
            breaker: { consecutiveFailures },
          },
        });
        const perTarget = new Map<string, number>();
        for (const e of events) {
          if (e.type !== 'attempt:start') continue;
          const key = `${e.requestId} ${e.target.provider}`;
          perTarget.set(key, (perTarget.get(key) ?? 0) + 1);
        }
        for (const n of perTarget.values()) expect(n).toBeLessThanOrEqual(maxAttempts);
        for (const o of outcomes) expect(o.attempts).toBeLessThanOrEqual(2 * maxAttempts);
      }),
      PROPERTY,
    );
  });

  it('never retries a target before the Retry-After it gave has passed', async () => {
    // 429s with a Retry-After under the cap on the first target, and room to retry there.
    const world = fc.tuple(
      scenarioArb({ maxFaults: 0 }),
      fc.array(
        faultArb({ targets: ['primary'], durationMs: 2 * 60_000, kinds: ['rate-limit'] }).filter(
          (f) => f.retryAfter !== 'none',
        ),
        { minLength: 1, maxLength: 3 },
      ),
      fc.integer({ min: 2, max: 4 }),
    );
    await fc.assert(
      fc.asyncProperty(world, async ([base, faults, maxAttempts]) => {
        const { aggregate } = await observe({
          ...base,
          duration: '2m',
          faults,
          failover: {
            groups: { chat: { targets: ['primary/gpt-4o', 'backup/claude-sonnet-4-5'] } },
            retry: { maxAttempts, baseDelay: '50ms', retryAfterCap: '30s' },
            timeout: { total: '120s' },
          },
        });
        expect(aggregate.attempts.earlyRetries).toBe(0);
      }),
      PROPERTY,
    );
  });

  it('never lets a request outlive its deadline', async () => {
    // The whole chain silent for a while, and timeouts that add up past the deadline: only the
    // deadline bounds those requests.
    const world = fc.tuple(
      scenarioArb({ maxFaults: 0 }),
      fc.integer({ min: 0, max: 90 }),
      fc.integer({ min: 10, max: 30 }),
      fc.integer({ min: 10, max: 30 }),
      fc.integer({ min: 20, max: 45 }),
    );
    await fc.assert(
      fc.asyncProperty(world, async ([base, at, length, attempt, total]) => {
        const faults = ['primary', 'backup', 'budget'].map((target) => ({
          kind: 'hang',
          target,
          at: `${at}s`,
          for: `${length}s`,
        }));
        const { scenario, outcomes } = await observe({
          ...base,
          duration: '2m',
          faults,
          failover: {
            groups: { chat: { targets: [...SCENARIO_TARGETS] } },
            timeout: { attempt: `${attempt}s`, total: `${total}s` },
          },
        });
        for (const o of outcomes)
          expect(o.latencyMs).toBeLessThanOrEqual(scenario.failover.timeout.total + 1e-6);
      }),
      PROPERTY,
    );
  });

  it('reports as cost exactly what the attempts were billed, each attempt at most once', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (world) => {
        const { events, bills, aggregate } = await observe(world);
        const attempts = new Set(
          events.flatMap((e) =>
            e.type === 'attempt:start' ? [`${e.requestId}#${e.attempt}`] : [],
          ),
        );
        const billed = bills.filter((b) => b.attemptId?.startsWith('req-'));
        for (const b of billed) expect(attempts.has(b.attemptId ?? '')).toBe(true);
        expect(new Set(billed.map((b) => b.attemptId)).size).toBe(billed.length);
        const sum = bills.reduce((n, b) => n + b.costUsd, 0);
        expect(aggregate.costUsd.total).toBeCloseTo(sum, 9);
      }),
      PROPERTY,
    );
  });

  it('answers everything while one target of the chain stays healthy', async () => {
    // Faults on every target but the last of a three-target chain, timeouts roomy enough to
    // fail over past two broken targets.
    const world = fc.tuple(
      scenarioArb({ maxFaults: 0 }),
      fc.array(
        faultArb({ targets: ['primary', 'backup'], durationMs: 2 * 60_000, kinds: OUTAGE_KINDS }),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
    );
    await fc.assert(
      fc.asyncProperty(world, async ([base, faults]) => {
        const failover = {
          groups: { chat: { targets: [...SCENARIO_TARGETS] } },
          timeout: { attempt: '20s', total: '180s' },
        };
        const { aggregate } = await observe({ ...base, duration: '2m', faults, failover });
        expect(aggregate.requests.failed).toBe(0);
        expect(aggregate.requests.succeeded).toBe(aggregate.requests.total);
      }),
      PROPERTY,
    );
  });

  it('never loses availability by adding a healthy fallback', async () => {
    const world = fc.tuple(
      scenarioArb({ maxFaults: 0 }),
      fc.array(faultArb({ targets: ['primary'], durationMs: 2 * 60_000 }), {
        minLength: 1,
        maxLength: 3,
      }),
    );
    await fc.assert(
      fc.asyncProperty(world, async ([base, faults]) => {
        const drill = (targets: string[]) =>
          observe({
            ...base,
            duration: '2m',
            faults,
            failover: { groups: { chat: { targets } }, timeout: { attempt: '20s', total: '120s' } },
          });
        const alone = await drill(['primary/gpt-4o']);
        const backed = await drill(['primary/gpt-4o', 'backup/claude-sonnet-4-5']);
        expect(backed.aggregate.requests.succeeded).toBeGreaterThanOrEqual(
          alone.aggregate.requests.succeeded,
        );
      }),
      PROPERTY,
    );
  });

  it('gives the same report for the same seed', async () => {
    // Flaky targets, so retries draw jitter and probabilistic faults draw from their streams.
    const world = fc.tuple(
      scenarioArb({ maxFaults: 0 }),
      fc.array(
        faultArb({
          targets: ['primary', 'backup'],
          durationMs: 2 * 60_000,
          kinds: ['error-rate', 'outage', 'rate-limit', 'stream-cut'],
        }),
        { minLength: 1, maxLength: 3 },
      ),
    );
    await fc.assert(
      fc.asyncProperty(world, async ([base, faults]) => {
        const scenario = load({
          ...base,
          duration: '2m',
          faults,
          failover: {
            groups: { chat: { targets: ['primary/gpt-4o', 'backup/claude-sonnet-4-5'] } },
            retry: { maxAttempts: 3, jitter: 'full' },
          },
        });
        const { wallMs: _a, ...first } = await runDrill(scenario);
        const { wallMs: _b, ...second } = await runDrill(scenario);
        expect(second).toEqual(first);
      }),
      { numRuns: 8, seed: PROPERTY.seed },
    );
  });
});

describe('the circuit breaker against its model', () => {
  interface Model {
    state: BreakerState;
    failures: number;
    until: number;
  }
  interface Real {
    clock: VirtualClock;
    breaker: ReturnType<typeof circuitBreaker>;
  }
  const THRESHOLD = 3;
  const BREAK = 1_000;
  const target = TARGET;
  const ok = OK;
  const failed: AttemptOutcome = {
    ok: false,
    target,
    reason: 'http-status',
    failureClass: 'transient',
    message: '503',
    status: 503,
  };
  /** The state the model says the breaker shows now. */
  const shown = (m: Model, now: number): BreakerState =>
    m.state === 'open' && now >= m.until ? 'half-open' : m.state;

  class Call implements fc.AsyncCommand<Model, Real> {
    readonly succeeds: boolean;
    constructor(succeeds: boolean) {
      this.succeeds = succeeds;
    }
    check = (): boolean => true;
    async run(m: Model, r: Real): Promise<void> {
      const now = r.clock.now();
      m.state = shown(m, now);
      let called = false;
      const outcome = await r.breaker.execute(
        {
          request: { id: 'r', group: 'g', messages: [], maxTokens: 1, stream: false },
          target,
          signal: new AbortController().signal,
          state: { attempts: 0, deadline: Infinity, startedAt: now },
        },
        () => {
          called = true;
          return Promise.resolve(this.succeeds ? ok : failed);
        },
      );
      if (m.state === 'open') {
        expect(called).toBe(false);
        expect(outcome).toMatchObject({ reason: 'breaker-open' });
      } else if (m.state === 'half-open') {
        expect(called).toBe(true);
        if (this.succeeds) Object.assign(m, { state: 'closed', failures: 0 });
        else Object.assign(m, { state: 'open', until: now + BREAK });
      } else {
        expect(called).toBe(true);
        m.failures = this.succeeds ? 0 : m.failures + 1;
        if (m.failures >= THRESHOLD)
          Object.assign(m, { state: 'open', until: now + BREAK, failures: 0 });
      }
      expect(r.breaker.state(target)).toBe(shown(m, r.clock.now()));
    }
    toString = (): string => (this.succeeds ? 'success' : 'failure');
  }

  class Wait implements fc.AsyncCommand<Model, Real> {
    readonly ms: number;
    constructor(ms: number) {
      this.ms = ms;
    }
    check = (): boolean => true;
    async run(m: Model, r: Real): Promise<void> {
      r.clock.setTimer(this.ms, () => undefined);
      await r.clock.run();
      expect(r.breaker.state(target)).toBe(shown(m, r.clock.now()));
    }
    toString = (): string => `wait ${this.ms}ms`;
  }

  it('opens, refuses, probes and closes as the model says', async () => {
    const commands = fc.commands(
      [
        fc.boolean().map((s) => new Call(s)),
        fc.integer({ min: 1, max: 2 * BREAK }).map((ms) => new Wait(ms)),
      ],
      { maxCommands: 60 },
    );
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const clock = new VirtualClock(0);
        const breaker = circuitBreaker(
          {
            kind: 'consecutive',
            consecutiveFailures: THRESHOLD,
            failureRatio: 0.5,
            windowMs: 10_000,
            minimumThroughput: 10,
            breakDurationMs: BREAK,
            maxBreakDurationMs: BREAK,
            halfOpenProbes: 1,
          },
          { clock, rng: seededRng(1, 'b'), events: new EventHub() },
        );
        await fc.asyncModelRun(
          (): { model: Model; real: Real } => ({
            model: { state: 'closed', failures: 0, until: 0 },
            real: { clock, breaker },
          }),
          cmds,
        );
      }),
      { numRuns: 100, seed: PROPERTY.seed },
    );
  });
});

describe('races', () => {
  it('the bulkhead never lets more than its limit run, whatever order attempts finish in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 12 }),
        async (s, limit, calls) => {
          const clock = new VirtualClock(0);
          const policy = bulkhead(
            { maxConcurrent: limit, queue: 0, maxWaitMs: 0 },
            { clock, rng: seededRng(1, 'b'), events: new EventHub() },
          );
          let running = 0;
          let most = 0;
          const target = TARGET;
          const results = Array.from({ length: calls }, (_, i) =>
            policy.execute(
              {
                request: { id: `r${i}`, group: 'g', messages: [], maxTokens: 1, stream: false },
                target,
                signal: new AbortController().signal,
                state: { attempts: 0, deadline: Infinity, startedAt: 0 },
              },
              async () => {
                running++;
                most = Math.max(most, running);
                await s.schedule(Promise.resolve(), `attempt ${i}`);
                running--;
                return OK;
              },
            ),
          );
          await s.waitAll();
          const outcomes = await Promise.all(results);
          expect(most).toBeLessThanOrEqual(limit);
          expect(outcomes.filter((o) => o.ok)).toHaveLength(Math.min(limit, calls));
          expect(outcomes.filter((o) => !o.ok && o.reason === 'shed')).toHaveLength(
            Math.max(0, calls - limit),
          );
        },
      ),
      { numRuns: 100, seed: PROPERTY.seed },
    );
  });
});

describe('hedging races', () => {
  it('one answer wins, whatever order the two legs finish in, and the other leg is cancelled', async () => {
    const body = (model: string) =>
      JSON.stringify({
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 1 },
      });
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        async (s, primaryOk, backupOk, hedgeFires) => {
          // A clock the test moves by hand: only the hedge timer is ever fired, so the answers'
          // order is the scheduler's alone and no deadline cuts in.
          const timers: { at: number; fn: () => void; live: boolean }[] = [];
          let now = 0;
          const clock: Clock = {
            now: () => now,
            setTimer: (ms, fn) => {
              const timer = { at: now + ms, fn, live: true };
              timers.push(timer);
              return { dispose: () => (timer.live = false) };
            },
          };
          const advance = (to: number): void => {
            now = to;
            for (const t of timers.filter((t) => t.live && t.at <= to)) {
              t.live = false;
              t.fn();
            }
          };
          const signals = new Map<string, AbortSignal>();
          const transport = (request: Request, signal: AbortSignal): Promise<Response> => {
            const provider = new URL(request.url).hostname.split('.')[0] ?? '';
            signals.set(provider, signal);
            const ok = provider === 'primary' ? primaryOk : backupOk;
            const answer = new Response(ok ? body(provider) : '{"error":{"message":"boom"}}', {
              status: ok ? 200 : 503,
              headers: { 'content-type': 'application/json' },
            });
            return s.schedule(Promise.resolve(answer), `${provider} answers`);
          };
          const engine = new FailoverEngine(
            failoverConfigSchema.parse({
              groups: { chat: { targets: ['primary/m', 'backup/m'] } },
              retry: { maxAttempts: 1 },
              hedge: { delay: '100ms' },
            }),
            {
              clock,
              transport,
              rng: seededRng(1, 'engine'),
              endpoints: {
                primary: { wire: 'openai', baseUrl: 'https://primary.test/v1' },
                backup: { wire: 'openai', baseUrl: 'https://backup.test/v1' },
              },
            },
          );
          const ends: RequestOutcome[] = [];
          const endedBeforeAnswer = new Set<string>();
          engine.events.on((e) => {
            if (e.type === 'request:end') ends.push(e.outcome);
            if (e.type === 'attempt:end' && ends.length === 0)
              endedBeforeAnswer.add(e.target.provider);
          });
          const pending = engine.handle({
            id: 'r1',
            group: 'chat',
            messages: [{ role: 'user', content: 'hello' }],
            maxTokens: 8,
            stream: false,
          });
          // The primary leg is under way; the hedge delay passes; then the answers come in the
          // scheduler's order (the hedge may never start if the primary answers first).
          const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
          await tick(); // the primary leg's request is out
          if (hedgeFires) {
            advance(100); // the hedge delay passes before any answer: both legs race
            await tick();
          }
          // Answers may be asked for later (a failover after the first leg failed): keep
          // answering until the request has its outcome.
          let settled = false;
          void pending.then(() => (settled = true));
          // One answer at a time, each given time to settle, so a winner can finish while the
          // other leg is still waiting for its answer.
          while (!settled) {
            if (s.count() > 0) await s.waitOne();
            await tick();
            await tick();
          }
          const outcome = await pending;
          expect(ends).toHaveLength(1);
          expect(signals.size).toBeGreaterThanOrEqual(1);
          if (primaryOk || backupOk) {
            expect(outcome.ok).toBe(true);
            if (outcome.ok) {
              const loser = outcome.target.provider === 'primary' ? 'backup' : 'primary';
              expect(outcome.target.provider === 'primary' ? primaryOk : backupOk).toBe(true);
              // A loser still running when the answer came is cancelled.
              const loserSignal = signals.get(loser);
              if (loserSignal !== undefined && !endedBeforeAnswer.has(loser))
                expect(loserSignal.aborted).toBe(true);
            }
          } else expect(outcome.ok).toBe(false);
        },
      ),
      { numRuns: 100, seed: PROPERTY.seed, timeout: 2_000 },
    );
  });
});
