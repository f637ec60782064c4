/**
 * @module engine/response-cache
 * Answers kept by the full conversation they answered. Fresh within the TTL and while the group
 * has not failed over since (a failover may change the model behind the group, so what the old
 * one said is no longer served as fresh); any entry up to `maxStaleMs` old may still stand in,
 * marked degraded, when every target of the group has failed. Bounded: the oldest entries go first.
 */
import { createHash } from 'node:crypto';
import type { Clock } from './clock.js';
import type { ChatRequest, Target, Usage } from './types.js';

/** Cache options, in milliseconds. */
export interface ResponseCacheOptions {
  readonly ttlMs: number;
  readonly maxStaleMs: number;
  readonly maxEntries: number;
}

/** A kept answer. */
export interface CachedAnswer {
  readonly text: string;
  readonly usage: Usage;
  readonly target: Target;
  readonly responseModel: string;
  readonly storedAt: number;
  readonly generation: number;
}

/** The cache. */
export class ResponseCache {
  readonly #options: ResponseCacheOptions;
  readonly #clock: Clock;
  readonly #entries = new Map<string, CachedAnswer>();
  readonly #generations = new Map<string, number>();

  constructor(options: ResponseCacheOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
  }

  /** The key of a request: its group and its whole conversation. */
  key(request: ChatRequest): string {
    const hash = createHash('sha256');
    hash.update(request.group);
    for (const m of request.messages) hash.update(`\u0000${m.role}\u0000${m.content}`);
    return hash.digest('base64');
  }

  /** A fresh answer for the key, if any. */
  fresh(key: string, group: string): CachedAnswer | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const current = entry.generation === (this.#generations.get(group) ?? 0);
    return current && this.#clock.now() - entry.storedAt <= this.#options.ttlMs ? entry : undefined;
  }

  /** Any answer for the key young enough to stand in during an outage. */
  stale(key: string): CachedAnswer | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined && this.#clock.now() - entry.storedAt <= this.#options.maxStaleMs
      ? entry
      : undefined;
  }

  store(key: string, group: string, answer: Omit<CachedAnswer, 'storedAt' | 'generation'>): void {
    this.#entries.delete(key);
    this.#entries.set(key, {
      ...answer,
      storedAt: this.#clock.now(),
      generation: this.#generations.get(group) ?? 0,
    });
    if (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** Marks every answer of the group as no longer fresh. */
  invalidate(group: string): void {
    this.#generations.set(group, (this.#generations.get(group) ?? 0) + 1);
  }

  get size(): number {
    return this.#entries.size;
  }
}
