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

/** Lets every queued microtask (promise continuation) run before the next timer fires. */
function settle(): Promise<void> {
  // A macrotask boundary: Node drains the whole microtask queue before it. This is the
  // simulator's only real scheduling primitive, and it carries no time. One turn of the event
  // loop per instant, not fewer: V8 runs its garbage collector's tasks (the end of incremental
  // marking) in those turns. Steps queued 64 to a turn (Node drains microtasks between two
  // immediates) delayed them: black-friday's heap reached 99-137 MB before each full collection
  // instead of 81-85 MB, and the million-request drill peaked at 425 MB instead of 263 MB.
  return new Promise((resolve) => setImmediate(resolve));
}

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
   * Runs until no timer is left: settle, jump to the earliest timer, fire every timer due at
   * that instant in creation order, repeat.
   */
  async run(options: RunOptions = {}): Promise<void> {
    const tickEvery = options.tickEvery ?? 4096;
    let instants = 0;
    for (;;) {
      await settle();
      const first = this.#pop();
      if (first === undefined) return;
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
      if (options.onTick !== undefined && ++instants % tickEvery === 0) options.onTick(this.#now);
    }
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
