/**
 * @module scenario/limits
 * How large a drill may be before it is refused as bad input. Apart from the loader so that the
 * CLI can show the defaults in `--help` without loading the schemas.
 */

/** The largest drill {@link loadScenario} accepts: a bound on its size, not a real-world limit. */
export interface DrillLimits {
  /** Most requests a drill may be expected to send. @defaultValue 2,000,000 */
  readonly maxRequests: number;
  /** Longest drill, in drill time (ms). @defaultValue 31 days */
  readonly maxDurationMs: number;
}

/** The limits {@link loadScenario} applies unless told otherwise. */
export const DRILL_LIMITS: DrillLimits = {
  maxRequests: 2_000_000,
  maxDurationMs: 31 * 24 * 3_600_000,
};
