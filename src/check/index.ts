/**
 * @module check
 * The `failover-drill/testing` entry point: fast-check arbitraries for drills, for users' own
 * property tests, and the search `check` runs.
 */
export {
  FAULT_KINDS,
  OUTAGE_KINDS,
  SOFT_KINDS,
  SCENARIO_PROVIDERS,
  SCENARIO_TARGETS,
  failoverConfigArb,
  faultArb,
  faultScheduleArb,
  scenarioArb,
  trafficArb,
} from './arbitraries.js';
export type { FaultInput, FaultKind, FaultOptions } from './arbitraries.js';
export { describeFault, searchBreach, withFaults } from './search.js';
export type { SearchOptions, SearchResult } from './search.js';
