/**
 * @module engine/budget-guard
 * Spend per sliding window. Past the limit, requests are downgraded to a cheaper model group or
 * rejected, as configured. Spend is metered from the usage of the answers the caller got, at the
 * configured prices (USD per million tokens); a failed attempt's usage is not known to the
 * client, so it is not metered.
 */
import type { Clock } from './clock.js';
import { SlidingWindow } from './sliding-window.js';
import { targetKey, type Target, type Usage } from './types.js';

/** Price of a target, USD per million tokens. */
export interface Price {
  readonly input: number;
  readonly output: number;
}

/** Budget options, in base units. */
export interface BudgetOptions {
  readonly windowMs: number;
  readonly maxUsd: number;
  readonly action: 'reject' | 'downgrade';
  /** With `downgrade`: the group requests are sent to instead. */
  readonly downgradeTo?: string | undefined;
  /** Keyed `provider/model`. */
  readonly prices: Readonly<Record<string, Price>>;
}

/** What to do with a request given the spend so far. */
export type BudgetDecision =
  | { readonly action: 'allow' }
  | { readonly action: 'reject' | 'downgrade'; readonly spentUsd: number };

/** Meters spend and decides per request. */
export class BudgetGuard {
  readonly #options: BudgetOptions;
  readonly #window: SlidingWindow;

  constructor(options: BudgetOptions, clock: Clock) {
    this.#options = options;
    this.#window = new SlidingWindow(clock, options.windowMs, 1);
  }

  /** The spend in the current window, USD. */
  get spentUsd(): number {
    return this.#window.sum(0);
  }

  /** Whether a request for `group` may go ahead as asked. */
  decide(group: string): BudgetDecision {
    const spentUsd = this.spentUsd;
    if (spentUsd < this.#options.maxUsd) return { action: 'allow' };
    if (this.#options.action === 'downgrade' && group === this.#options.downgradeTo)
      return { action: 'allow' };
    return { action: this.#options.action, spentUsd };
  }

  /** Meters an answer; returns its cost in USD (0 when the target has no price). */
  record(target: Target, usage: Usage): number {
    const price = this.#options.prices[targetKey(target)];
    if (price === undefined) return 0;
    const cost = (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
    this.#window.add(0, cost);
    return cost;
  }
}
