/**
 * @module simulator/virtual-clock
 * Deterministic virtual time. Timers wait in a heap ordered by (time, creation order);
 * {@link VirtualClock.run} advances time only when nothing else can run, so every continuation
 * of a fired timer sees the instant it was due, and an hour of traffic passes as fast as the
 * CPU can process it.
 */
import type { Clock, Disposable } from '../engine/clock.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  fn: (() => void) | undefined;
}

const NEVER: Disposable = { dispose() {} };

/**
 * Steps queued at once. Node drains every microtask (and `process.nextTick`) between two
 * `setImmediate` callbacks of one check phase, so each queued step starts where nothing else can
 * run, as an `await` of its own `setImmediate` would; queued together, they share one turn of
 * the event loop instead of paying one each.
 */
const STEPS_PER_TURN = 64;

/** Options of {@link VirtualClock.run}. */
export interface RunOptions {
  /** Called now and then with the current time; cheap to leave out. */
  readonly onTick?: (now: number) => void;
  /** Calls `onTick` every this many fired instants. @defaultValue 4096 */
  readonly tickEvery?: number;
}

/** A virtual clock starting at `startMs` (ms since the Unix epoch). */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #heap: Timer[] = [];
  #live = 0;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Timers waiting to fire (cancelled ones excluded). */
  get pending(): number {
    return this.#live;
  }

  setTimer(ms: number, fn: () => void): Disposable {
    if (!Number.isFinite(ms)) return NEVER;
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#push(timer);
    this.#live++;
    return {
      dispose: () => {
        if (timer.fn !== undefined) {
          timer.fn = undefined;
          this.#live--;
        }
      },
    };
  }

  /**
   * Runs until no timer is left: let every continuation run, jump to the earliest timer, fire
   * every timer due at that instant in creation order, repeat. Nothing but this clock may use
   * `setImmediate` meanwhile: a foreign immediate would wait for a whole batch of steps.
   */
  run(options: RunOptions = {}): Promise<void> {
    const tickEvery = options.tickEvery ?? 4096;
    const onTick = options.onTick;
    let instants = 0;
    let finished = false;
    return new Promise<void>((resolve, reject) => {
      const step = (): void => {
        if (finished) return;
        try {
          const first = this.#pop();
          if (first === undefined) {
            finished = true;
            resolve();
            return;
          }
          this.#now = first.at;
          this.#fire(first);
          // Only live timers count: a cancelled one at this instant must not let a later one in.
          for (
            let next = this.#peek();
            next !== undefined && next.at === first.at;
            next = this.#peek()
          ) {
            this.#fire(this.#pop() as Timer);
          }
          if (onTick !== undefined && ++instants % tickEvery === 0) onTick(this.#now);
        } catch (error) {
          finished = true;
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const turn = (): void => {
        // The last step of a turn queues the next turn's, which Node runs on the loop's next pass.
        for (let i = 1; i < STEPS_PER_TURN; i++) setImmediate(step);
        setImmediate(() => {
          step();
          if (!finished) turn();
        });
      };
      turn();
    });
  }

  #fire(timer: Timer): void {
    const fn = timer.fn;
    if (fn === undefined) return;
    timer.fn = undefined;
    this.#live--;
    fn();
  }

  /** The earliest live timer, dropping cancelled ones from the top. */
  #peek(): Timer | undefined {
    for (let top = this.#heap[0]; top !== undefined; top = this.#heap[0]) {
      if (top.fn !== undefined) return top;
      this.#removeTop();
    }
    return undefined;
  }

  #removeTop(): void {
    const last = this.#heap.pop() as Timer;
    if (this.#heap.length > 0) {
      this.#heap[0] = last;
      this.#siftDown(0);
    }
  }

  /** Pops the earliest live timer, dropping cancelled ones on the way. */
  #pop(): Timer | undefined {
    const top = this.#peek();
    if (top !== undefined) this.#removeTop();
    return top;
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Timer;
      if (!before(timer, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const item = heap[start] as Timer;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as Timer, heap[left] as Timer)) child = right;
      const c = heap[child] as Timer;
      if (!before(c, item)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = item;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
