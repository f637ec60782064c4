/**
 * @module engine/canary
 * A canary split: a share of a group's traffic tries a candidate target first, and its first
 * attempts are compared with the primary's. Once the canary has answered enough requests, the
 * verdict is `promote` when its error rate is within a tolerance of the primary's and its mean
 * latency under a multiple of the primary's, else `hold`. Failed canary attempts still fall
 * back to the group's chain, so callers do not pay for the experiment.
 */
import type { Rng } from './rng.js';
import type { AttemptOutcome, Target } from './types.js';

/** The arm a request was drawn into. */
export type CanaryArm = 'canary' | 'primary';

/** Canary options, in base units. */
export interface CanaryOptions {
  readonly target: Target;
  /** Share of the group's requests sent to the canary first. */
  readonly share: number;
  /** Canary requests needed before a verdict. */
  readonly minRequests: number;
  /** Promote only if the canary's mean latency is below the primary's times this. */
  readonly maxLatencyRatio: number;
  /** Promote only if the canary's error rate exceeds the primary's by at most this. */
  readonly maxErrorRateDelta: number;
}

/** One arm's first attempts. */
export interface ArmStats {
  readonly requests: number;
  readonly errorRate: number;
  readonly meanLatencyMs: number;
}

/** Where the canary stands. */
export interface CanaryStatus {
  readonly verdict: 'evaluating' | 'promote' | 'hold';
  readonly canary: ArmStats;
  readonly primary: ArmStats;
}

class Arm {
  requests = 0;
  failures = 0;
  latencySum = 0;
  stats(): ArmStats {
    return {
      requests: this.requests,
      errorRate: this.requests === 0 ? 0 : this.failures / this.requests,
      meanLatencyMs:
        this.requests - this.failures === 0 ? 0 : this.latencySum / (this.requests - this.failures),
    };
  }
}

/** Judges one group's canary. */
export class CanaryJudge {
  readonly options: CanaryOptions;
  readonly #canary = new Arm();
  readonly #primary = new Arm();

  constructor(options: CanaryOptions) {
    this.options = options;
  }

  /** Draws the arm of one request: the canary for `share` of them. */
  draw(rng: Rng): CanaryArm {
    return rng.next() < this.options.share ? 'canary' : 'primary';
  }

  /**
   * Records how a request's first step went on its arm; returns the new verdict when it changed.
   * A cancelled first attempt (the caller left) says nothing about either arm.
   */
  observe(
    arm: CanaryArm,
    outcome: AttemptOutcome,
    latencyMs: number,
  ): CanaryStatus['verdict'] | undefined {
    if (!outcome.ok && outcome.failureClass === 'final') return undefined;
    const before = this.status().verdict;
    this.record(arm, outcome.ok, latencyMs);
    const after = this.status().verdict;
    return after === before ? undefined : after;
  }

  /** Records the first attempt of a request on one arm. */
  record(arm: CanaryArm, ok: boolean, latencyMs: number): void {
    const a = arm === 'canary' ? this.#canary : this.#primary;
    a.requests++;
    if (ok) a.latencySum += latencyMs;
    else a.failures++;
  }

  status(): CanaryStatus {
    const canary = this.#canary.stats();
    const primary = this.#primary.stats();
    if (canary.requests < this.options.minRequests || primary.requests === 0)
      return { verdict: 'evaluating', canary, primary };
    const errorsOk = canary.errorRate <= primary.errorRate + this.options.maxErrorRateDelta;
    const latencyOk = canary.meanLatencyMs < primary.meanLatencyMs * this.options.maxLatencyRatio;
    return { verdict: errorsOk && latencyOk ? 'promote' : 'hold', canary, primary };
  }
}
