import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/engine/response-cache.js';
import type { ChatRequest } from '../../src/engine/types.js';
import { VirtualClock } from '../../src/simulator/virtual-clock.js';

const request = (content: string, group = 'chat'): ChatRequest => ({
  id: content,
  group,
  messages: [{ role: 'user', content }],
  maxTokens: 10,
  stream: false,
});
const answer = {
  text: 'hi',
  usage: { inputTokens: 1, outputTokens: 1 },
  target: { provider: 'p', model: 'm' },
  responseModel: 'm',
};

describe('the response cache', () => {
  it('keys by group and whole conversation, not by request id', () => {
    const cache = new ResponseCache(
      { ttlMs: 1, maxStaleMs: 1, maxEntries: 1 },
      new VirtualClock(0),
    );
    expect(cache.key({ ...request('a'), id: 'x' })).toBe(cache.key({ ...request('a'), id: 'y' }));
    expect(cache.key(request('a'))).not.toBe(cache.key(request('a', 'other')));
    expect(cache.key(request('a'))).not.toBe(cache.key(request('b')));
  });

  it('serves fresh within the TTL, and stale within maxStale once it is not fresh', async () => {
    const clock = new VirtualClock(0);
    const cache = new ResponseCache({ ttlMs: 1_000, maxStaleMs: 5_000, maxEntries: 10 }, clock);
    const key = cache.key(request('a'));
    cache.store(key, 'chat', answer);
    expect(cache.fresh(key, 'chat')?.text).toBe('hi');
    clock.setTimer(2_000, () => undefined);
    await clock.run();
    expect(cache.fresh(key, 'chat')).toBeUndefined();
    expect(cache.stale(key)?.text).toBe('hi');
    clock.setTimer(4_000, () => undefined);
    await clock.run();
    expect(cache.stale(key)).toBeUndefined();
  });

  it('no longer serves a group’s answers as fresh after it failed over', () => {
    const cache = new ResponseCache(
      { ttlMs: 60_000, maxStaleMs: 60_000, maxEntries: 10 },
      new VirtualClock(0),
    );
    const key = cache.key(request('a'));
    cache.store(key, 'chat', answer);
    cache.invalidate('chat');
    expect(cache.fresh(key, 'chat')).toBeUndefined();
    expect(cache.stale(key)).toBeDefined();
  });

  it('drops the oldest entry past maxEntries', () => {
    const cache = new ResponseCache(
      { ttlMs: 60_000, maxStaleMs: 60_000, maxEntries: 2 },
      new VirtualClock(0),
    );
    const keys = ['a', 'b', 'c'].map((c) => cache.key(request(c)));
    for (const key of keys) cache.store(key, 'chat', answer);
    expect(cache.size).toBe(2);
    expect(cache.stale(keys[0] as string)).toBeUndefined();
  });
});
