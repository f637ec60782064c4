/**
 * @module subject/virtual-globals
 * The globals a drilled subject sees, made the drill's: timers, `Date`, `performance.now` and
 * `process.hrtime` from `@sinonjs/fake-timers` (also in `node:timers` and `node:timers/promises`),
 * plus `fetch`, `AbortSignal.timeout` and `Math.random`. One fake clock is the drill's only
 * timeline: the mock providers, the traffic and the subject all set their timers on it.
 * Everything is put back by {@link VirtualGlobals.uninstall}, which the runner calls also on
 * error. Real I/O started while they are installed is an escape from virtual time: the drive
 * loop looks for it before every jump of time and stops the drill.
 */
import { withGlobal, type Clock as FakeClock } from '@sinonjs/fake-timers';
import type { Clock, Disposable } from '../engine/clock.js';
import type { SeededStream } from '../seeded-rng.js';

// Taken at load, before any drill replaces them: the drive loop's own scheduling is real.
const realSetImmediate = globalThis.setImmediate;
const realGetActiveResources = process.getActiveResourcesInfo.bind(process);

/** The globals faked by the fake clock, beside those replaced here. */
const FAKED_BY_CLOCK = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'Date',
  'performance',
  'hrtime',
] as const;

/** Global properties swapped in and out by {@link VirtualGlobals.outside}. */
const SWAPPED = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'Date',
  'performance',
  'fetch',
] as const;

const NEVER: Disposable = { dispose() {} };

/** Real I/O that was left outstanding while the subject ran in drill time. */
export class EscapeError extends Error {
  readonly code = 'SUBJECT_ESCAPED' as const;
  readonly outstanding: readonly string[];
  constructor(outstanding: readonly string[]) {
    super(
      `the subject started real I/O that virtual time cannot account for: ${outstanding.join(', ')} ` +
        '(a socket, file, DNS look-up, child process or a real timer taken before the drill); ' +
        'a subject may reach the network only through the global fetch and wait only on the global timers',
    );
    this.name = 'EscapeError';
    this.outstanding = outstanding;
  }
}

/** Options of {@link VirtualGlobals.install}. */
export interface VirtualGlobalsOptions {
  /** Drill time at the start, ms since the Unix epoch. */
  readonly startsAt: number;
  /** `Math.random` while installed. */
  readonly rng: SeededStream;
  /** The global `fetch` while installed. */
  readonly fetch: (request: Request) => Promise<Response>;
}

/** Options of {@link VirtualGlobals.run}. */
export interface DriveOptions {
  /** Called now and then with drill time, with the real globals back in place. */
  readonly onTick?: (now: number) => void;
  /** Calls `onTick` every this many jumps of time. @defaultValue 4096 */
  readonly tickEvery?: number;
  /**
   * Real I/O is awaited in real time, without moving drill time, instead of stopping the drill:
   * for creating the subject, which may load modules and read its files.
   */
  readonly waitForRealIo?: boolean;
}

/** Wall time {@link VirtualGlobals.run} waits on real I/O, or on nothing, before giving up. */
const REAL_WAIT_LIMIT_MS = 60_000;

type Descriptors = Map<string, PropertyDescriptor | undefined>;

function descriptorsOf(names: readonly string[]): Descriptors {
  return new Map(names.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]));
}

function applyDescriptors(descriptors: Descriptors): void {
  for (const [name, descriptor] of descriptors) {
    if (descriptor === undefined) Reflect.deleteProperty(globalThis, name);
    else Object.defineProperty(globalThis, name, descriptor);
  }
}

/** Counts of active resources by kind. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of realGetActiveResources()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

const realSetTimeout = globalThis.setTimeout;
const realNow = performance.now.bind(performance);

/** A short real pause while real I/O completes. */
function realPause(): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, 1));
}

/** Lets every queued microtask run: a real macrotask boundary that carries no time. */
function settle(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/**
 * Turns of the event loop a real immediate outstanding at a jump of time is given to run before it
 * counts as an escape. An immediate carries no time: it runs in the loop's next turn. Node queues
 * some of its own that way (a `PerformanceObserver`'s entries, such as the collections the CLI's
 * drill heap watches: src/cli/drill-heap.ts), and a one-off one a subject queued with a real
 * `setImmediate` is let run before time moves on. One that queues itself again and again is still
 * real work outside drill time, and is stopped.
 */
const IMMEDIATE_TURNS = 8;

/** Whether resources are outstanding and all of them are immediates. */
function onlyImmediates(outstanding: ReadonlyMap<string, number>): boolean {
  return outstanding.size > 0 && [...outstanding.keys()].every((kind) => kind === 'Immediate');
}

let installed = false;

/** The drill's globals, installed; also the drill's {@link Clock}. */
export class VirtualGlobals implements Clock {
  readonly #clock: FakeClock;
  readonly #real: Descriptors;
  readonly #fake: Descriptors;
  readonly #random: () => number;
  readonly #abortTimeout: typeof AbortSignal.timeout;
  readonly #baseline: Map<string, number>;
  #uninstalled = false;

  private constructor(options: VirtualGlobalsOptions) {
    // Made now, so that the streams they open count as the process's, not the subject's.
    void process.stdout;
    void process.stderr;
    this.#real = descriptorsOf(SWAPPED);
    this.#random = Math.random;
    this.#abortTimeout = AbortSignal.timeout.bind(AbortSignal);
    this.#clock = withGlobal(globalThis).install({
      now: options.startsAt,
      toFake: [...FAKED_BY_CLOCK],
      loopLimit: Number.MAX_SAFE_INTEGER,
    });
    const clock = this.#clock;
    const fetchInDrill = options.fetch;
    globalThis.fetch = async (input: Request | string | URL, init?: RequestInit) =>
      fetchInDrill(new Request(input, init));
    const rng = options.rng;
    Math.random = () => rng.next();
    AbortSignal.timeout = (ms: number): AbortSignal => {
      const controller = new AbortController();
      clock.setTimeout(
        () =>
          controller.abort(
            new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
          ),
        ms,
      );
      return controller.signal;
    };
    this.#fake = descriptorsOf(SWAPPED);
    this.#baseline = activeResources();
  }

  /** Puts the drill's globals in place. One drill at a time per process. */
  static install(options: VirtualGlobalsOptions): VirtualGlobals {
    if (installed) throw new Error('a subject drill is already running in this process');
    installed = true;
    try {
      return new VirtualGlobals(options);
    } catch (error) {
      installed = false;
      throw error;
    }
  }

  now(): number {
    return this.#clock.now;
  }

  setTimer(ms: number, fn: () => void): Disposable {
    if (!Number.isFinite(ms)) return NEVER;
    const id = this.#clock.setTimeout(fn, Math.max(0, ms));
    return { dispose: () => this.#clock.clearTimeout(id) };
  }

  /** Runs `fn` with the real globals back in place (a progress bar's own timers, say). */
  outside<T>(fn: () => T): T {
    applyDescriptors(this.#real);
    try {
      return fn();
    } finally {
      if (!this.#uninstalled) applyDescriptors(this.#fake);
    }
  }

  /** Resources opened since the globals were installed and still open, by kind. */
  escapes(): string[] {
    return [...this.#outstanding()].map(([kind, extra]) =>
      extra === 1 ? kind : `${extra}× ${kind}`,
    );
  }

  /** How many of each kind of resource are open beyond those open when the globals were installed. */
  #outstanding(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [kind, count] of activeResources()) {
      const extra = count - (this.#baseline.get(kind) ?? 0);
      if (extra > 0) out.set(kind, extra);
    }
    return out;
  }

  /**
   * Drives drill time until `done()`: lets every continuation run, checks for real I/O, jumps
   * to the earliest timer and fires every timer due at that instant, repeat. Throws
   * {@link EscapeError} when real I/O is outstanding, since time must not jump past it.
   */
  async run(done: () => boolean, options: DriveOptions = {}): Promise<void> {
    const tickEvery = options.tickEvery ?? 4096;
    const onTick = options.onTick;
    let jumps = 0;
    let waitingSince: number | undefined;
    for (;;) {
      await settle();
      if (done()) return;
      for (let turn = 0; turn < IMMEDIATE_TURNS && onlyImmediates(this.#outstanding()); turn++) {
        await settle();
        if (done()) return;
      }
      const escaped = this.escapes();
      const stuck = this.#clock.countTimers() === 0;
      if (escaped.length > 0 || stuck) {
        if (options.waitForRealIo !== true) {
          if (escaped.length > 0) throw new EscapeError(escaped);
          throw new Error('the drill is waiting on nothing that drill time can bring');
        }
        // Real work (a module loading, a file read) ends in real time: wait, do not jump.
        waitingSince ??= realNow();
        if (realNow() - waitingSince > REAL_WAIT_LIMIT_MS)
          throw new EscapeError(escaped.length > 0 ? escaped : ['a promise nothing settles']);
        await realPause();
        continue;
      }
      waitingSince = undefined;
      this.#clock.next();
      // Everything else due at the same instant fires before the continuations run.
      this.#clock.tick(0);
      if (onTick !== undefined && ++jumps % tickEvery === 0) {
        const now = this.#clock.now;
        this.outside(() => onTick(now));
      }
    }
  }

  /** Puts every real global back. Safe to call twice. */
  uninstall(): void {
    if (this.#uninstalled) return;
    this.#uninstalled = true;
    installed = false;
    applyDescriptors(this.#fake);
    this.#clock.uninstall();
    applyDescriptors(new Map([['fetch', this.#real.get('fetch')]]));
    Math.random = this.#random;
    AbortSignal.timeout = this.#abortTimeout;
  }
}
