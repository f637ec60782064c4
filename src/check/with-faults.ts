/**
 * @module check/with-faults
 * A scenario with more faults added to its own: `check`'s tries, drilled here or in a worker.
 */
import { faultSchema, type FaultSpec } from '../scenario/schema.js';
import type { Scenario } from '../scenario/load-scenario.js';
import type { FaultInput } from './arbitraries.js';

/** The scenario with `extra` faults added to its own. */
export function withFaults(scenario: Scenario, extra: readonly FaultInput[]): Scenario {
  const parsed: FaultSpec[] = extra.map((f) => faultSchema.parse(f));
  return { ...scenario, faults: [...scenario.faults, ...parsed] };
}
