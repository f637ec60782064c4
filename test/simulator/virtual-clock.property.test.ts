import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/simulator/virtual-clock.js';

describe('VirtualClock properties', () => {
  it('fires every live timer exactly at its own instant, in (time, creation) order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 50 }), cancel: fc.boolean() }), {
          maxLength: 60,
        }),
        async (timers) => {
          const clock = new VirtualClock(0);
          const fired: { index: number; at: number; now: number }[] = [];
          const handles = timers.map((t, index) =>
            clock.setTimer(t.at, () => fired.push({ index, at: t.at, now: clock.now() })),
          );
          timers.forEach((t, i) => t.cancel && handles[i]?.dispose());
          await clock.run();
          const expected = timers
            .map((t, index) => ({ ...t, index }))
            .filter((t) => !t.cancel)
            .sort((a, b) => a.at - b.at || a.index - b.index)
            .map((t) => t.index);
          expect(fired.map((f) => f.index)).toEqual(expected);
          for (const f of fired) expect(f.now).toBe(f.at);
        },
      ),
    );
  });

  it('does not let a cancelled timer at one instant pull a later timer forward', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.setTimer(10, () => seen.push(clock.now()));
    clock.setTimer(10, () => undefined).dispose();
    clock.setTimer(20, () => seen.push(clock.now()));
    await clock.run();
    expect(seen).toEqual([10, 20]);
  });
});
