/**
 * @module simulator/plain-client-baseline
 * The baseline of a drill, computed without the HTTP round trip: the same traffic and faults
 * sent by a plain client (one attempt to the group's first target, cut at the timeout, no
 * retry, no failover) to the same provider models. It follows exactly what the in-process
 * path does for such a client, instant for instant, so its figures equal those of
 * `simulate(scenario, baselineConfig(config))`; a test holds the two together. It exists
 * because the plain client's behaviour is simple and fixed, while the HTTP path costs as much
 * as the engine run itself.
 */
import type { Clock } from '../engine/clock.js';
import type { FailoverConfig } from '../engine/config.js';
import type {
  ChatRequest,
  FailureReason,
  Refusal,
  RequestOutcome,
  Target,
} from '../engine/types.js';
import { buildTimeline, faultsOf } from '../providers/fault-timeline.js';
import { ProviderModel } from '../providers/provider-model.js';
import type { ErrorKind, ResponsePlan } from '../providers/response-plan.js';
import { contentText, countTokens, wantedTokens } from '../providers/wire-renderer.js';
import { nextWrite, packetTokens } from '../providers/stream-writer.js';
import { Recorder } from '../report/recorder.js';
import { meterPlan } from '../report/conduct-meter.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { seededRng } from '../seeded-rng.js';
import type { SimulationResult } from './simulate.js';
import { arrivalTimes, RequestFactory } from './traffic.js';

/** How one plain attempt ends: when, how, and what the provider billed (and when). */
interface PlainOutcome {
  readonly end: number;
  readonly failure: FailureReason | undefined;
  readonly billed: { at: number; output: number } | undefined;
}

/** The errors the engine reads as refusals of the request itself, and as which kind. */
const REFUSALS: Partial<Record<ErrorKind, Refusal>> = {
  'context-length-exceeded': 'context-length',
  'content-filter': 'content-filter',
  'invalid-request': 'invalid',
  'prefill-unsupported': 'invalid',
};

function refusalOf(kind: ErrorKind): { refusal?: Refusal } {
  const refusal = REFUSALS[kind];
  return refusal === undefined ? {} : { refusal };
}

/** A timer at `ms` from `now`, as the virtual clock computes it. */
const after = (now: number, ms: number): number => now + Math.max(0, ms);

/**
 * Follows one planned answer the way the mock provider paces it and the engine reads it.
 * `cutoff` is the instant the attempt is cut; a timer due at the cutoff loses to it, as the
 * cutoff's timer was armed first.
 */
function follow(plan: ResponsePlan, t0: number, cutoff: number, stream: boolean): PlainOutcome {
  const timeout: PlainOutcome = { end: cutoff, failure: 'timeout', billed: undefined };
  switch (plan.kind) {
    case 'hang':
      return timeout;
    case 'network': {
      const end = after(t0, plan.afterMs);
      return end < cutoff ? { end, failure: 'network', billed: undefined } : timeout;
    }
    case 'error': {
      const end = after(t0, plan.afterMs);
      return end < cutoff ? { end, failure: 'http-status', billed: undefined } : timeout;
    }
    case 'answer':
      break;
  }
  const headers = after(t0, plan.headersMs);
  if (headers >= cutoff) return timeout;
  const fault = plan.streamFault;
  const out = plan.outputTokens;

  if (!stream) {
    const cutAt =
      fault === undefined || fault.kind === 'no-done' ? out : Math.min(out, fault.afterTokens);
    let now = after(headers, plan.firstTokenDelayMs + cutAt * plan.msPerToken);
    if (now >= cutoff) return timeout;
    if (fault?.kind === 'cut') {
      if (fault.afterMs !== undefined) now = after(now, fault.afterMs);
      if (now >= cutoff) return timeout;
      return { end: now, failure: 'network', billed: { at: now, output: cutAt } };
    }
    if (fault?.kind === 'stall') {
      now = after(now, fault.stallMs);
      if (now >= cutoff) return timeout;
      now = after(now, (out - cutAt) * plan.msPerToken);
      if (now >= cutoff) return timeout;
    }
    return {
      end: now,
      failure: fault?.kind === 'malformed' ? 'stream-malformed' : undefined,
      billed: { at: now, output: out },
    };
  }

  // Streamed: the same chunks at the same instants as the mock provider's frames.
  const per = packetTokens(out, plan.msPerToken);
  let now = headers;
  let sent = 0;
  let shift = 0;
  let pending = fault;
  for (;;) {
    const faultAt =
      pending === undefined || pending.kind === 'no-done'
        ? Number.POSITIVE_INFINITY
        : pending.afterTokens;
    const limit = Math.min(out, faultAt);
    if (sent < limit) {
      const next = Math.min(limit, nextWrite(sent, per, plan.eventTokens));
      const due = after(
        now,
        headers + shift + plan.firstTokenDelayMs + next * plan.msPerToken - now,
      );
      if (due >= cutoff)
        return { end: cutoff, failure: 'timeout', billed: { at: cutoff, output: sent } };
      now = due;
      sent = next;
      continue;
    }
    if (pending !== undefined && pending.kind !== 'no-done') {
      if (pending.kind === 'cut') {
        const dropped = pending.afterMs === undefined ? now : after(now, pending.afterMs);
        if (dropped >= cutoff)
          return { end: cutoff, failure: 'timeout', billed: { at: cutoff, output: sent } };
        return { end: dropped, failure: 'stream-cut', billed: { at: dropped, output: sent } };
      }
      if (pending.kind === 'malformed')
        return { end: now, failure: 'stream-malformed', billed: { at: now, output: sent } };
      const resumed = after(now, pending.stallMs);
      if (resumed >= cutoff)
        return { end: cutoff, failure: 'timeout', billed: { at: cutoff, output: sent } };
      now = resumed;
      shift += pending.stallMs;
      pending = undefined;
      continue;
    }
    return { end: now, failure: undefined, billed: { at: now, output: sent } };
  }
}

/** One plain-client attempt as the engine's events, so the recorder reports it the same way. */
function recordAttempt(
  recorder: Recorder,
  attempt: {
    readonly request: ChatRequest;
    readonly target: Target;
    readonly model: ProviderModel;
    readonly plan: ResponsePlan;
    readonly result: PlainOutcome;
    readonly t0: number;
  },
  setNow: (at: number) => void,
): void {
  const { request, target, model, plan, result, t0 } = attempt;
  recorder.onEvent({
    type: 'request:start',
    at: t0,
    requestId: request.id,
    group: request.group,
    request,
  });
  recorder.onEvent({ type: 'attempt:start', at: t0, requestId: request.id, attempt: 1, target });
  if (result.billed !== undefined && plan.kind === 'answer') {
    setNow(result.billed.at);
    const output = result.billed.output;
    recorder.onBill({
      attemptId: `${request.id}#1`,
      provider: target.provider,
      model: target.model,
      inputTokens: plan.inputTokens,
      outputTokens: output,
      costUsd: model.cost(target.model, plan.inputTokens, output),
    });
  }
  setNow(result.end);
  const latencyMs = result.end - t0;
  recorder.onEvent({
    type: 'attempt:end',
    at: result.end,
    requestId: request.id,
    attempt: 1,
    target,
    startedAt: t0,
    ok: result.failure === undefined,
    ...(result.failure === undefined ? {} : { reason: result.failure }),
    ...(result.failure === 'http-status' && plan.kind === 'error' ? { status: plan.status } : {}),
  });
  const outcome: RequestOutcome =
    result.failure === undefined && plan.kind === 'answer'
      ? {
          ok: true,
          requestId: request.id,
          target,
          text: contentText(plan),
          usage: { inputTokens: plan.inputTokens, outputTokens: plan.outputTokens },
          responseModel: plan.answeredAs,
          attempt: 1,
          attempts: 1,
          latencyMs,
          degraded: false,
        }
      : {
          ok: false,
          requestId: request.id,
          reason: result.failure ?? 'timeout',
          message: '',
          ...(result.failure === 'http-status' && plan.kind === 'error'
            ? refusalOf(plan.error)
            : {}),
          attempts: 1,
          latencyMs,
        };
  recorder.onEvent({ type: 'request:end', at: result.end, outcome });
}

/** Runs the baseline of `scenario` for a plain client configured like `config`. */
export function simulatePlainClient(
  scenario: Scenario,
  config: FailoverConfig,
  seed: number,
): SimulationResult {
  let now = scenario.startsAt;
  const clock: Clock = { now: () => now, setTimer: () => ({ dispose() {} }) };
  const recorder = new Recorder(clock, meterPlan(scenario));
  const timeline = buildTimeline(scenario.faults);
  const models = new Map<string, ProviderModel>();
  for (const [name, spec] of Object.entries(scenario.providers)) {
    models.set(
      name,
      new ProviderModel(
        name,
        spec,
        faultsOf(timeline, name),
        seededRng(seed, `provider:${name}`),
        scenario.startsAt,
      ),
    );
  }
  const trafficRng = seededRng(seed, 'traffic');
  const arrivals = arrivalTimes(scenario.traffic, scenario.duration, trafficRng);
  const factory = new RequestFactory(scenario.traffic, trafficRng);
  const { attempt: attemptMs, total: totalMs } = config.timeout;

  let lastEnd = scenario.startsAt;
  let scheduledAt = scenario.startsAt;
  for (let next = arrivals.next(); next.done !== true; next = arrivals.next()) {
    // The arrival timer, armed at the previous arrival, as the simulator arms it.
    const t0 = after(scheduledAt, scenario.startsAt + next.value - scheduledAt);
    const request = factory.next();
    scheduledAt = t0;
    const target = config.groups[request.group]?.targets[0] as Target;
    const model = models.get(target.provider) as ProviderModel;
    const cutoff = Math.min(after(t0, totalMs), after(t0, Math.min(attemptMs, t0 + totalMs - t0)));
    now = t0;
    const plan = model.plan(t0, {
      model: target.model,
      inputTokens: countTokens(request.messages.map((m) => m.content)),
      maxTokens: request.maxTokens,
      wantedTokens: wantedTokens(request.messages.at(-1)?.content ?? ''),
      stream: request.stream,
      prefillChars: 0,
      json: request.responseFormat === 'json' ? 'schema' : undefined,
      requestId: request.id,
    });
    const result = follow(plan, t0, cutoff, request.stream);

    recordAttempt(recorder, { request, target, model, plan, result, t0 }, (at) => (now = at));
    lastEnd = Math.max(lastEnd, result.end);
  }
  return {
    aggregate: recorder.summary(),
    simulatedMs: Math.max(scenario.duration, lastEnd - scenario.startsAt),
  };
}
