import { describe, expect, it } from 'vitest';
import { classifyRefusal, classifyStatus } from '../../src/engine/classify.js';

describe('classifying an error answer', () => {
  it('retries what may pass: 408, 409, 429 and every 5xx', () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504, 529])
      expect(classifyStatus(status, undefined)).toBe('transient');
  });

  it('moves on from a target that cannot serve anyone: bad key, no quota, no such model', () => {
    expect(classifyStatus(401, undefined)).toBe('target-unusable');
    expect(classifyStatus(404, undefined)).toBe('target-unusable');
    // OpenAI's quota error is a 429, but waiting will not bring the money back.
    expect(classifyStatus(429, 'insufficient_quota')).toBe('target-unusable');
    expect(classifyStatus(400, 'invalid_request_error', 'Your credit balance is too low')).toBe(
      'target-unusable',
    );
  });

  it('never repeats a request the provider refused as invalid', () => {
    expect(classifyStatus(400, 'context_length_exceeded')).toBe('invalid-request');
    expect(classifyStatus(422, undefined)).toBe('invalid-request');
  });

  it('tells a context-length refusal from a content filter, by code or by message', () => {
    expect(classifyRefusal('context_length_exceeded', '')).toBe('context-length');
    expect(classifyRefusal(undefined, 'prompt is too long: 210000 tokens > 200000 maximum')).toBe(
      'context-length',
    );
    expect(classifyRefusal('content_filter', '')).toBe('content-filter');
    expect(classifyRefusal(undefined, 'bad role')).toBe('invalid');
  });
});
