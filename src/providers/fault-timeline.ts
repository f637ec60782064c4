/**
 * @module providers/fault-timeline
 * The scenario's faults, indexed per provider for the provider model to consult per request.
 */
import type { FaultSpec } from '../scenario/schema.js';
import { splitTarget } from '../engine/target.js';

/** A fault placed on the timeline: `[startMs, endMs)` from the start of the drill. */
export interface TimedFault {
  readonly spec: FaultSpec;
  readonly provider: string;
  /** Only this model, or every model of the provider. */
  readonly model: string | undefined;
  readonly startMs: number;
  readonly endMs: number;
}

/** Places every fault on the timeline; open-ended ones last forever. */
export function buildTimeline(faults: readonly FaultSpec[]): TimedFault[] {
  return faults.map((spec) => {
    const { provider, model } = splitTarget(spec.target);
    const endMs =
      spec.until ?? (spec.for === undefined ? Number.POSITIVE_INFINITY : spec.at + spec.for);
    return {
      spec,
      provider,
      model,
      startMs: spec.at,
      endMs,
    };
  });
}

/** The faults of one provider, in declaration order. */
export function faultsOf(timeline: readonly TimedFault[], provider: string): TimedFault[] {
  return timeline.filter((f) => f.provider === provider);
}
