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
});
