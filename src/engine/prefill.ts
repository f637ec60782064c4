/**
 * @module engine/prefill
 * Which targets can continue a broken stream from an assistant prefill. A provider listed in
 * the config is taken at its word; an unlisted one on the Anthropic wire is tried, and
 * remembered as unable once it refuses; an unlisted OpenAI-wire one is never sent a prefill,
 * because most OpenAI-compatible servers accept it and answer afresh, which would glue two
 * different answers together.
 */
import type { Target, Wire } from './types.js';
import { targetKey } from './types.js';

/** The engine's knowledge of prefill support, learnt as it goes. */
export class PrefillSupport {
  readonly #declared: Readonly<Record<string, boolean>>;
  readonly #wire: (provider: string) => Wire | undefined;
  readonly #refused = new Set<string>();

  constructor(
    declared: Readonly<Record<string, boolean>>,
    wire: (provider: string) => Wire | undefined,
  ) {
    this.#declared = declared;
    this.#wire = wire;
  }

  /** Whether to send `target` a prefill. */
  supports(target: Target): boolean {
    if (this.#refused.has(targetKey(target))) return false;
    return this.#declared[target.provider] ?? this.#wire(target.provider) === 'anthropic';
  }

  /** `target` refused a prefill: never send it one again. */
  refused(target: Target): void {
    this.#refused.add(targetKey(target));
  }
}
