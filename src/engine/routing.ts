/**
 * @module engine/routing
 * The order a group's targets are tried in, per request: `priority` as configured, `weighted`
 * (the first target drawn by weight, the rest as configured, for spreading load), or
 * `least-latency` (fastest first by an exponentially weighted moving average of how long each
 * target took to answer; a target not yet measured goes first, so it gets measured), or
 * `cost-aware` (cheapest first by input plus output price; a target without a price goes last).
 */
import type { Rng } from './rng.js';
import { targetKey, type Target } from './types.js';

/** How a group orders its targets. */
export type RoutingStrategy = 'priority' | 'weighted' | 'least-latency' | 'cost-aware';

/** A group's routing as configured. */
export interface GroupRouting {
  readonly targets: readonly Target[];
  readonly strategy: RoutingStrategy;
  readonly weights?: readonly number[] | undefined;
}

/**
 * The order a request tries targets in: the routing order, ejected targets passed over while any
 * other is healthy, and the canary first when the request drew it.
 */
export function inAttemptOrder(
  routed: readonly Target[],
  isHealthy: ((target: Target) => boolean) | undefined,
  canary: Target | undefined,
): readonly Target[] {
  const healthy = isHealthy === undefined ? routed : routed.filter(isHealthy);
  const ordered = healthy.length > 0 ? healthy : routed;
  if (canary === undefined) return ordered;
  return [canary, ...ordered.filter((t) => targetKey(t) !== targetKey(canary))];
}

/** Weight of the newest sample in the latency average. */
const EWMA_ALPHA = 0.3;
/** Answers kept per target for latency percentiles. */
const RECENT = 64;
/** Answers needed before a percentile is trusted. */
const MIN_SAMPLES = 10;

/** Orders targets per request and learns from answers. */
export class Router {
  readonly #rng: Rng;
  readonly #latency = new Map<string, number>();
  readonly #recent = new Map<string, number[]>();

  readonly #prices: Readonly<Record<string, { readonly input: number; readonly output: number }>>;

  constructor(
    rng: Rng,
    prices: Readonly<Record<string, { readonly input: number; readonly output: number }>> = {},
  ) {
    this.#rng = rng;
    this.#prices = prices;
  }

  /** The targets of `group` in the order to try them. */
  order(group: GroupRouting): readonly Target[] {
    const { targets } = group;
    if (targets.length < 2) return targets;
    switch (group.strategy) {
      case 'priority':
        return targets;
      case 'weighted': {
        const weights = group.weights ?? targets.map(() => 1);
        const total = weights.reduce((a, b) => a + b, 0);
        let pick = this.#rng.next() * total;
        let index = 0;
        while (index < targets.length - 1 && pick >= (weights[index] ?? 0))
          pick -= weights[index++] ?? 0;
        if (index === 0) return targets;
        return [targets[index] as Target, ...targets.filter((_, i) => i !== index)];
      }
      case 'cost-aware': {
        const price = (t: Target): number => {
          const p = this.#prices[targetKey(t)];
          return p === undefined ? Number.POSITIVE_INFINITY : p.input + p.output;
        };
        return targets
          .map((t, i) => ({ t, i, s: price(t) }))
          .sort((a, b) => a.s - b.s || a.i - b.i)
          .map((x) => x.t);
      }
      case 'least-latency': {
        const score = (t: Target): number => this.#latency.get(targetKey(t)) ?? -1;
        // Stable: equal scores keep the configured order.
        return targets
          .map((t, i) => ({ t, i, s: score(t) }))
          .sort((a, b) => a.s - b.s || a.i - b.i)
          .map((x) => x.t);
      }
    }
  }

  /** Records how long `target` took to answer a request (retries included). */
  observe(target: Target, latencyMs: number): void {
    const key = targetKey(target);
    const previous = this.#latency.get(key);
    this.#latency.set(
      key,
      previous === undefined ? latencyMs : previous + EWMA_ALPHA * (latencyMs - previous),
    );
    let recent = this.#recent.get(key);
    if (recent === undefined) {
      recent = [];
      this.#recent.set(key, recent);
    }
    recent.push(latencyMs);
    if (recent.length > RECENT) recent.shift();
  }

  /** The `p`th percentile of the target's last answers, once it has enough of them. */
  percentile(target: Target, p: number): number | undefined {
    const recent = this.#recent.get(targetKey(target));
    if (recent === undefined || recent.length < MIN_SAMPLES) return undefined;
    const sorted = [...recent].sort((a, b) => a - b);
    return sorted[
      Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
    ];
  }
}
