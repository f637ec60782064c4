import { describe, expect, it } from 'vitest';
import {
  DeadlineExceededError,
  STATIC_TARGET,
  failure,
  howItEnded,
  modelAnswer,
  standInAnswer,
} from '../../src/engine/outcomes.js';
import type { AttemptFailure, FailureClass, FailureReason } from '../../src/engine/types.js';

const target = { provider: 'primary', model: 'm' };

function failed(reason: FailureReason, failureClass: FailureClass): AttemptFailure {
  return { ok: false, target, reason, failureClass, message: 'x', status: 503, code: 'overloaded' };
}

function aborted(reason?: unknown): AbortSignal {
  const c = new AbortController();
  c.abort(reason);
  return c.signal;
}

describe('how a request ended', () => {
  const live = new AbortController().signal;

  it('calls an attempt cut by the request deadline a timeout, and lets a stand-in answer', () => {
    const end = howItEnded(aborted(new DeadlineExceededError(30_000)), failed('aborted', 'final'));
    expect(end).toEqual({ reason: 'timeout', standIn: true });
  });

  it('tells the truth to a caller who left: no stand-in, the reason stays', () => {
    const end = howItEnded(aborted(new Error('caller left')), failed('aborted', 'final'));
    expect(end).toEqual({ reason: 'aborted', standIn: false });
  });

  it('lets a stand-in answer for an outage but not for a refused request', () => {
    expect(howItEnded(live, failed('http-status', 'transient')).standIn).toBe(true);
    expect(howItEnded(live, failed('http-status', 'target-unusable')).standIn).toBe(true);
    expect(howItEnded(live, failed('breaker-open', 'saturated')).standIn).toBe(true);
    expect(howItEnded(live, failed('http-status', 'invalid-request')).standIn).toBe(false);
  });

  it('keeps a stream cut after the deadline as a stream cut', () => {
    const end = howItEnded(aborted(new DeadlineExceededError(1)), failed('stream-cut', 'final'));
    expect(end).toEqual({ reason: 'stream-cut', standIn: true });
  });
});

describe('outcome shapes', () => {
  it('a failure carries the last attempt’s status, code and refusal, and nothing unset', () => {
    const out = failure('r1', 'http-status', failed('http-status', 'transient'), 3, 120);
    expect(out).toEqual({
      ok: false,
      requestId: 'r1',
      reason: 'http-status',
      message: 'x',
      attempts: 3,
      latencyMs: 120,
      status: 503,
      code: 'overloaded',
    });
    expect('refusal' in out).toBe(false);
  });

  it('a model answer names the attempt that gave it, else the last one', () => {
    const success = {
      ok: true as const,
      target,
      status: 200,
      text: 'hi',
      usage: { inputTokens: 1, outputTokens: 2 },
      finishReason: 'stop',
      responseModel: 'm-2026',
    };
    expect(modelAnswer('r', target, success, 4, 10)).toMatchObject({ attempt: 4, attempts: 4 });
    expect(modelAnswer('r', target, { ...success, attempt: 2 }, 4, 10)).toMatchObject({
      attempt: 2,
      degraded: false,
    });
  });

  it('a static stand-in is attributed to the static target and costs nothing', () => {
    const out = standInAnswer('r', { text: 'Try again soon.' }, 2, 50);
    expect(out).toMatchObject({
      ok: true,
      target: STATIC_TARGET,
      text: 'Try again soon.',
      usage: { inputTokens: 0, outputTokens: 0 },
      degraded: true,
      attempt: 0,
      attempts: 2,
    });
  });
});
