import { describe, expect, it } from 'vitest';
import { StreamTimeoutError, StreamWatchdog } from '../../src/engine/stream-watchdog.js';
import { VirtualClock } from '../../src/simulator/virtual-clock.js';

const parent = (): AbortSignal => new AbortController().signal;

describe('the stream watchdog', () => {
  it('cuts a stream whose first content token is late', async () => {
    const clock = new VirtualClock(0);
    const dog = new StreamWatchdog(clock, { firstTokenMs: 100, streamIdleMs: 50 }, parent());
    // A chunk without content (the role frame) does not count as the first token.
    clock.setTimer(40, () => dog.onChunk(false));
    await clock.run();
    expect(dog.signal.aborted).toBe(true);
    expect(dog.signal.reason).toBeInstanceOf(StreamTimeoutError);
    expect(clock.now()).toBe(100);
  });

  it('after the first token, cuts a stream that goes quiet for the idle limit', async () => {
    const clock = new VirtualClock(0);
    const dog = new StreamWatchdog(clock, { firstTokenMs: 100, streamIdleMs: 50 }, parent());
    clock.setTimer(60, () => dog.onChunk(true));
    clock.setTimer(90, () => dog.onChunk(true));
    await clock.run();
    expect(dog.signal.aborted).toBe(true);
    expect(clock.now()).toBe(140);
    expect((dog.signal.reason as Error).message).toContain('50');
  });

  it('lets a stream that keeps coming run, and stops watching when disposed', async () => {
    const clock = new VirtualClock(0);
    const dog = new StreamWatchdog(clock, { streamIdleMs: 50 }, parent());
    for (const t of [10, 50, 90]) clock.setTimer(t, () => dog.onChunk(true));
    clock.setTimer(100, () => dog.dispose());
    await clock.run();
    expect(dog.signal.aborted).toBe(false);
  });

  it('follows its parent: the caller leaving aborts the stream', () => {
    const caller = new AbortController();
    const dog = new StreamWatchdog(new VirtualClock(0), {}, caller.signal);
    caller.abort(new Error('gone'));
    expect(dog.signal.aborted).toBe(true);
  });
});
