/**
 * @module engine/health-checker
 * Active health checks: every `interval`, one small request to each target. A target that fails
 * `unhealthyAfter` probes in a row is ejected (the router passes it over while any other target
 * is healthy); `healthyAfter` good probes bring it back. The probes also keep idle fallback
 * targets warm, so a failover does not land on a cold model (the warm pool).
 */
import type { Clock, Disposable } from './clock.js';
import type { EventHub } from './events.js';
import { targetKey, type Target } from './types.js';

/** Health check options, in milliseconds. */
export interface HealthCheckOptions {
  readonly intervalMs: number;
  readonly unhealthyAfter: number;
  readonly healthyAfter: number;
}

/** Sends one probe; true when the target answered. */
export type Probe = (target: Target) => Promise<boolean>;

interface TargetHealth {
  healthy: boolean;
  streak: number;
}

/** Probes targets on the injected clock. */
export class HealthChecker {
  readonly #options: HealthCheckOptions;
  readonly #targets: readonly Target[];
  readonly #probe: Probe;
  readonly #clock: Clock;
  readonly #events: EventHub;
  readonly #health = new Map<string, TargetHealth>();
  #timer: Disposable | undefined;

  constructor(
    options: HealthCheckOptions,
    targets: readonly Target[],
    probe: Probe,
    clock: Clock,
    events: EventHub,
  ) {
    this.#options = options;
    this.#targets = targets;
    this.#probe = probe;
    this.#clock = clock;
    this.#events = events;
  }

  /** Starts a round of probes now and every interval after. */
  start(): void {
    if (this.#timer !== undefined) return;
    const round = (): void => {
      this.#timer = this.#clock.setTimer(this.#options.intervalMs, round);
      for (const target of this.#targets) void this.#check(target);
    };
    round();
  }

  /** Stops scheduling rounds (probes already sent finish on their own). */
  stop(): void {
    this.#timer?.dispose();
    this.#timer = undefined;
  }

  /** False only for a target the probes have ejected. */
  isHealthy(target: Target): boolean {
    return this.#health.get(targetKey(target))?.healthy ?? true;
  }

  async #check(target: Target): Promise<void> {
    const ok = await this.#probe(target);
    const key = targetKey(target);
    const h = this.#health.get(key) ?? { healthy: true, streak: 0 };
    this.#health.set(key, h);
    // `streak` counts probes in a row that disagree with the current state.
    if (ok === h.healthy) {
      h.streak = 0;
      return;
    }
    h.streak++;
    if (h.streak >= (h.healthy ? this.#options.unhealthyAfter : this.#options.healthyAfter)) {
      h.healthy = ok;
      h.streak = 0;
      if (this.#events.active)
        this.#events.emit({ type: 'health:change', at: this.#clock.now(), target, healthy: ok });
    }
  }
}
