/**
 * @module telemetry/telemetry-thread
 * A drill's telemetry on a thread of its own, beside the drill: the drill's thread only hands its
 * events and bills over, in batches, and the telemetry thread (telemetry-worker.ts) builds the
 * spans, serialises them and writes the files, on another core. The files are the same as the
 * telemetry's in the drill's own thread: the same events reach the same {@link DrillTelemetry}
 * in the same order. It costs about as much CPU time in all, or more (each event is copied to
 * the other thread), and saves wall time where a core is free: the CLI uses it when it drills in its main thread
 * on a machine of two cores or more, not in a pool's worker threads, which use the cores already.
 *
 * One thread serves every drill of the process, each by its own id, and it does not keep the
 * process alive while no drill is open.
 */
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { EngineEvent } from '../engine/events.js';
import { WriteError, type WriteErrorData } from '../errors.js';
import type { BillingRecord } from '../providers/response-plan.js';
import { noteTelemetryPartials } from './otlp-jsonl-file.js';
import type { TelemetryOptions } from './telemetry-sdk.js';

/** A drill's telemetry, in the drill's thread or on its own. */
export interface DrillTelemetrySink {
  readonly onEvent: (event: EngineEvent) => void;
  readonly onBill: (record: BillingRecord) => void;
  /** Ends the drill's telemetry and writes its files; the collector's export failures, if any. */
  finish(): Promise<string[]>;
  /** Drops the unfinished files (the drill failed). */
  abort(): void;
  /** Trace ids by request id of the slowest traced requests; complete once `finish` is done. */
  worstTraceIds(): Map<string, string>;
}

/** An event or a bill, as the telemetry thread is sent them. */
export type TelemetryItem = EngineEvent | { readonly bill: BillingRecord };

/** The drill's thread to the telemetry thread. */
export type ThreadRequest =
  | { readonly kind: 'start'; readonly id: number; readonly options: TelemetryOptions }
  | { readonly kind: 'items'; readonly id: number; readonly items: readonly TelemetryItem[] }
  | { readonly kind: 'finish'; readonly id: number }
  | { readonly kind: 'abort'; readonly id: number };

/** The telemetry thread's answer to `finish`. */
export type ThreadReply =
  | {
      readonly id: number;
      readonly failures: string[];
      readonly worst: readonly (readonly [string, string])[];
    }
  | { readonly id: number; readonly error: ThreadError };

/**
 * An error of the telemetry thread, as it is sent back: its name, message and system code, and
 * for a file it could not write, which and why.
 */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly write?: WriteErrorData;
}

/** Items a batch: each batch is one message, copied to the other thread at once. */
const BATCH = 1_024;

/** The thread's young generation, in MB: 16 MB semi-spaces, as a drill's. */
const THREAD_YOUNG_GENERATION_MB = 48;

/**
 * An event as the telemetry needs it. The prompt's messages and the answer's text are the bulk
 * of a drill's events, and the telemetry records them only when asked to, so they are not
 * copied otherwise.
 */
export function telemetryItem(event: EngineEvent, recordContent: boolean): EngineEvent {
  if (recordContent) return event;
  if (event.type === 'request:start')
    return { ...event, request: { ...event.request, messages: [] } };
  if (event.type === 'request:end' && event.outcome.ok)
    return { ...event, outcome: { ...event.outcome, text: '' } };
  return event;
}

/** The error a failed telemetry thread gave, in the drill's thread. */
function threadError(error: ThreadError): Error {
  if (error.write !== undefined) return WriteError.fromData(error.write);
  const made: Error & { code?: string } = new Error(error.message);
  made.name = error.name;
  if (error.code !== undefined) made.code = error.code;
  return made;
}

/** The one telemetry thread of the process, started by the first drill that asks for it. */
class TelemetryThread {
  static #shared: TelemetryThread | undefined;

  /** The process's telemetry thread; a new one if the last one ended. */
  static shared(): TelemetryThread {
    if (TelemetryThread.#shared === undefined || TelemetryThread.#shared.#ended !== undefined)
      TelemetryThread.#shared = new TelemetryThread();
    return TelemetryThread.#shared;
  }

  readonly #worker: Worker;
  readonly #waiting = new Map<
    number,
    { resolve: (reply: ThreadReply) => void; reject: (error: Error) => void }
  >();
  /** Drills started and not yet finished or aborted. */
  #open = 0;
  #nextId = 1;
  /** Why the thread ended, once it has. */
  #ended: Error | undefined;

  private constructor() {
    this.#worker = new Worker(new URL('./telemetry-worker.js', import.meta.url), {
      // The collector's standard variables are read on that thread, as set now, not as they were
      // when the thread started.
      env: SHARE_ENV,
      // Its garbage (a batch's copies, the spans built from them) lives for one batch: V8's
      // young generation would grow to ~100 MB and stay resident. The CLI's drills get the same
      // size (src/cli/drill-heap.ts).
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    });
    this.#worker.unref();
    this.#worker.on('message', (reply: ThreadReply) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      waiting?.resolve(reply);
    });
    this.#worker.on('error', (error: Error) => this.#end(error));
    this.#worker.on('exit', (code) =>
      this.#end(new Error(`the telemetry thread stopped (exit code ${code})`)),
    );
  }

  #end(error: Error): void {
    this.#ended ??= error;
    for (const waiting of this.#waiting.values()) waiting.reject(this.#ended);
    this.#waiting.clear();
  }

  #post(message: ThreadRequest): void {
    if (this.#ended === undefined) this.#worker.postMessage(message);
  }

  #close(): void {
    if (--this.#open === 0) this.#worker.unref();
  }

  /** Opens a drill's telemetry there; its id. */
  start(options: TelemetryOptions): number {
    const id = this.#nextId++;
    if (this.#open++ === 0) this.#worker.ref();
    this.#post({ kind: 'start', id, options });
    return id;
  }

  items(id: number, items: readonly TelemetryItem[]): void {
    this.#post({ kind: 'items', id, items });
  }

  async finish(id: number): Promise<ThreadReply> {
    try {
      if (this.#ended !== undefined) throw this.#ended;
      const reply = new Promise<ThreadReply>((resolve, reject) =>
        this.#waiting.set(id, { resolve, reject }),
      );
      this.#post({ kind: 'finish', id });
      return await reply;
    } finally {
      this.#close();
    }
  }

  abort(id: number): void {
    this.#post({ kind: 'abort', id });
    this.#close();
  }
}

/** One drill's telemetry, on the process's telemetry thread. Subscribe `onEvent` and `onBill`, then `finish`. */
export class ThreadedTelemetry implements DrillTelemetrySink {
  readonly #thread: TelemetryThread;
  readonly #id: number;
  readonly #recordContent: boolean;
  /**
   * The files the thread writes under their temporary names, noted in this thread too: a run
   * stopped by a signal or an error removes them from here, and so does an abort, which the
   * thread may not get to before the process ends.
   */
  readonly #forgetPartials: (remove: boolean) => void;
  #items: TelemetryItem[] = [];
  #worst = new Map<string, string>();
  #closed = false;

  constructor(options: TelemetryOptions) {
    this.#thread = TelemetryThread.shared();
    this.#forgetPartials = noteTelemetryPartials(options.dir);
    this.#id = this.#thread.start(options);
    this.#recordContent = options.recordContent === true;
  }

  readonly onEvent = (event: EngineEvent): void => {
    this.#push(telemetryItem(event, this.#recordContent));
  };

  readonly onBill = (record: BillingRecord): void => {
    this.#push({ bill: record });
  };

  #push(item: TelemetryItem): void {
    if (this.#closed) return;
    this.#items.push(item);
    if (this.#items.length >= BATCH) this.#send();
  }

  #send(): void {
    if (this.#items.length === 0) return;
    this.#thread.items(this.#id, this.#items);
    this.#items = [];
  }

  async finish(): Promise<string[]> {
    if (this.#closed) return [];
    this.#send();
    this.#closed = true;
    let reply: ThreadReply;
    try {
      reply = await this.#thread.finish(this.#id);
    } catch (error) {
      this.#forgetPartials(true);
      throw error;
    }
    this.#forgetPartials('error' in reply);
    if ('error' in reply) throw threadError(reply.error);
    this.#worst = new Map(reply.worst);
    return reply.failures;
  }

  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#items = [];
    this.#thread.abort(this.#id);
    this.#forgetPartials(true);
  }

  worstTraceIds(): Map<string, string> {
    return this.#worst;
  }
}
