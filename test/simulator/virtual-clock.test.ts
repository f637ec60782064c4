import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/engine/clock.js';
import { VirtualClock } from '../../src/simulator/virtual-clock.js';

describe('VirtualClock', () => {
  it('fires timers in time order, ties in creation order', async () => {
    const clock = new VirtualClock(1_000);
    const fired: string[] = [];
    clock.setTimer(50, () => fired.push('b@50'));
    clock.setTimer(10, () => fired.push('a@10'));
    clock.setTimer(50, () => fired.push('c@50'));
    await clock.run();
    expect(fired).toEqual(['a@10', 'b@50', 'c@50']);
    expect(clock.now()).toBe(1_050);
  });

  it('lets promise chains finish before time moves on', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    const task = async (): Promise<void> => {
      await sleep(clock, 100);
      // A chain of awaits after the timer must still see t=100.
      for (let i = 0; i < 50; i++) await Promise.resolve();
      seen.push(clock.now());
      await sleep(clock, 20);
      seen.push(clock.now());
    };
    void task();
    clock.setTimer(110, () => seen.push(-clock.now()));
    await clock.run();
    expect(seen).toEqual([100, -110, 120]);
  });

  it('drops disposed timers and counts pending ones', async () => {
    const clock = new VirtualClock(0);
    let fired = false;
    const timer = clock.setTimer(5, () => (fired = true));
    expect(clock.pending).toBe(1);
    timer.dispose();
    expect(clock.pending).toBe(0);
    await clock.run();
    expect(fired).toBe(false);
    expect(clock.now()).toBe(0);
  });

  it('ends an aborted sleep at once, and never fires an infinite one', async () => {
    const clock = new VirtualClock(0);
    const controller = new AbortController();
    const forever = sleep(clock, Number.POSITIVE_INFINITY, controller.signal).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    clock.setTimer(30, () => controller.abort());
    await clock.run();
    expect(await forever).toMatchObject({ code: 'SLEEP_ABORTED' });
    expect(clock.now()).toBe(30);
  });

  it('lets nextTick and promise continuations finish at each of many instants', async () => {
    // Many instants, each reached only once every continuation of the one before has run.
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    const task = async (): Promise<void> => {
      for (let i = 1; i <= 200; i++) {
        await sleep(clock, 1);
        await new Promise<void>((resolve) => process.nextTick(resolve));
        for (let k = 0; k < 20; k++) await Promise.resolve();
        seen.push(clock.now());
      }
    };
    void task();
    await clock.run();
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('rejects with the error a timer throws, and fires nothing after it', async () => {
    const clock = new VirtualClock(0);
    let after = false;
    clock.setTimer(5, () => {
      throw new Error('timer failed');
    });
    clock.setTimer(6, () => (after = true));
    await expect(clock.run()).rejects.toThrow('timer failed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(after).toBe(false);
  });
});
