/**
 * @module simulator/traffic
 * The caller side of a drill: when requests arrive (rate shapes over time, Poisson or evenly
 * spaced) and what they ask for (model group, prompt and answer size, streaming, turns). All
 * draws come from the traffic rng stream in a fixed order, so the same seed sends the same
 * requests whatever the engine does with them.
 */
import type { Clock } from '../engine/clock.js';
import type { Rng } from '../engine/rng.js';
import { seededRng } from '../seeded-rng.js';
import type { ChatMessage, ChatRequest } from '../engine/types.js';
import { exponential, sample, sampleCount } from '../scenario/sample.js';
import { rateFunction } from '../scenario/arrival-rate.js';
import { MAX_TOKENS, type Distribution, type TrafficSpec } from '../scenario/schema.js';

/** Yields arrival times (ms from the start) until `durationMs`. */
export function* arrivalTimes(
  traffic: TrafficSpec,
  durationMs: number,
  rng: Rng,
): Generator<number> {
  if (traffic.schedule !== undefined) {
    // A fixed schedule draws nothing: each entry is sent `count` times at its instant.
    for (const entry of traffic.schedule)
      for (let i = 0; i < entry.count && entry.at < durationMs; i++) yield entry.at;
    return;
  }
  if (traffic.arrivals === undefined) return;
  const { rate, max } = rateFunction(traffic.arrivals, durationMs);
  if (max <= 0) return;
  const spacing = traffic.spacing ?? (traffic.arrivals.shape === 'constant' ? 'even' : 'poisson');
  let t = 0;
  if (spacing === 'poisson') {
    // Lewis-Shedler thinning: candidates at the peak rate, kept in proportion to the rate at t.
    for (;;) {
      t += exponential(1 / max, rng);
      if (t >= durationMs) return;
      const r = rate(t);
      if (r >= max || rng.next() * max < r) yield t;
    }
  }
  for (;;) {
    const r = rate(t);
    // A zero rate waits a second of drill time and looks again.
    if (r <= 0) {
      t += 1_000;
      if (t >= durationMs) return;
      continue;
    }
    if (t >= durationMs) return;
    yield t;
    t += 1 / r;
  }
}

const PROMPT_WORDS =
  'where is my order and can i still change the delivery address before it ships ';
let promptFiller = PROMPT_WORDS;

function promptText(chars: number): string {
  while (promptFiller.length < chars) promptFiller += promptFiller;
  return promptFiller.slice(0, Math.max(0, chars));
}

function tokenCount(dist: number | Distribution, rng: Rng): number {
  return Math.min(MAX_TOKENS, Math.max(1, sampleCount(dist, rng)));
}

/** Draws one request's content. */
export class RequestFactory {
  readonly #traffic: TrafficSpec;
  readonly #rng: Rng;
  readonly #weights: number[];
  readonly #totalWeight: number;
  #count = 0;
  /** With a fixed schedule: the entry the next request comes from, and how many it has sent. */
  #entry = 0;
  #sentOfEntry = 0;

  constructor(traffic: TrafficSpec, rng: Rng) {
    this.#traffic = traffic;
    this.#rng = rng;
    this.#weights = traffic.mix.map((m) => m.weight);
    this.#totalWeight = this.#weights.reduce((a, b) => a + b, 0);
  }

  next(): ChatRequest {
    const scheduled = this.#scheduled();
    if (scheduled !== undefined) return scheduled;
    const rng = this.#rng;
    const traffic = this.#traffic;
    let pick = rng.next() * this.#totalWeight;
    let index = 0;
    while (index < this.#weights.length - 1 && pick >= (this.#weights[index] ?? 0))
      pick -= this.#weights[index++] ?? 0;
    const entry = traffic.mix[index] ?? traffic.mix[0];
    if (entry === undefined) throw new Error('traffic.mix is empty');
    // A long-tailed distribution may draw past any context window: held at the most a
    // scenario may ask for, so a prompt can always be built.
    const inputTokens = tokenCount(entry.inputTokens ?? traffic.inputTokens, rng);
    const outputTokens = tokenCount(entry.outputTokens ?? traffic.outputTokens, rng);
    const stream = rng.next() < (entry.streaming ?? traffic.streaming);
    // Drawn only where some requests ask for JSON, so other drills draw as they always did.
    const jsonShare = entry.json ?? traffic.json;
    const json = jsonShare > 0 && rng.next() < jsonShare;
    return this.#request(entry.group, inputTokens, outputTokens, stream, json);
  }

  /** The next request of a fixed schedule; undefined without one. */
  #scheduled(): ChatRequest | undefined {
    const schedule = this.#traffic.schedule;
    if (schedule === undefined) return undefined;
    let entry = schedule[this.#entry];
    if (entry !== undefined && this.#sentOfEntry >= entry.count) {
      this.#entry++;
      this.#sentOfEntry = 0;
      entry = schedule[this.#entry];
    }
    if (entry === undefined) throw new Error('the schedule has no more requests');
    this.#sentOfEntry++;
    const traffic = this.#traffic;
    const inputTokens = tokenCount(entry.inputTokens ?? traffic.inputTokens, this.#rng);
    const outputTokens = tokenCount(entry.outputTokens ?? traffic.outputTokens, this.#rng);
    return this.#request(entry.group, inputTokens, outputTokens, entry.stream, entry.json);
  }

  #request(
    group: string,
    inputTokens: number,
    outputTokens: number,
    stream: boolean,
    json: boolean,
  ): ChatRequest {
    const turns = Math.max(1, Math.round(sample(this.#traffic.conversationTurns, this.#rng)));
    this.#count++;
    return {
      id: `req-${this.#count}`,
      group,
      messages: conversation(turns, inputTokens, outputTokens),
      maxTokens: this.#traffic.maxTokens,
      stream,
      ...(json ? { responseFormat: 'json' as const } : {}),
    };
  }
}

/** `turns` messages ending with the user's, `inputTokens` long in all (four characters a token). */
function conversation(turns: number, inputTokens: number, outputTokens: number): ChatMessage[] {
  const ask = `Answer in ${outputTokens} tokens. `;
  const total = Math.max(ask.length, inputTokens * 4);
  const messages: ChatMessage[] = [];
  const count = 2 * turns - 1;
  const share = Math.floor((total - ask.length) / count);
  for (let i = 0; i < count - 1; i++) {
    messages.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: promptText(share) });
  }
  messages.push({
    role: 'user',
    content: ask + promptText(total - ask.length - share * (count - 1)),
  });
  return messages;
}

/** What {@link scheduleArrivals} needs of a scenario. */
export interface TrafficPlan {
  readonly traffic: TrafficSpec;
  /** Drill length, ms. */
  readonly duration: number;
  /** Drill time at the start, ms since the Unix epoch. */
  readonly startsAt: number;
}

/**
 * Sends the scenario's requests at their arrival times on `clock`: `onRequest` at each arrival,
 * `onLast` once the last one is under way. Arrivals are scheduled one ahead, so the clock holds
 * the requests in flight, not the whole hour.
 */
export function scheduleArrivals(
  plan: TrafficPlan,
  seed: number,
  clock: Clock,
  onRequest: (request: ChatRequest) => void,
  onLast: () => void,
): void {
  const rng = seededRng(seed, 'traffic');
  const arrivals = arrivalTimes(plan.traffic, plan.duration, rng);
  const factory = new RequestFactory(plan.traffic, rng);
  const scheduleNext = (): void => {
    const next = arrivals.next();
    if (next.done === true) {
      onLast();
      return;
    }
    clock.setTimer(plan.startsAt + next.value - clock.now(), () => {
      onRequest(factory.next());
      scheduleNext();
    });
  };
  scheduleNext();
}
