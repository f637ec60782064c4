/**
 * @module failover-drill
 * The public API: the failover engine (a library to ship; `failover-drill/engine` has it
 * alone), and the drill that runs a scenario against it. Everything else is internal.
 */
export * from './engine/index.js';
export { loadScenario, loadFailoverConfig } from './scenario/load-scenario.js';
export type { Scenario } from './scenario/load-scenario.js';
export { runDrill } from './simulator/run-drill.js';
export type { DrillOptions } from './simulator/run-drill.js';
export { DrillTelemetry } from './telemetry/drill-telemetry.js';
export type { TelemetryOptions } from './telemetry/drill-telemetry.js';
export type { Report } from './report/report-schema.js';
export type {
  CreateSubject,
  DrillSubject,
  SubjectContext,
  SubjectProvider,
} from './subject/contract.js';
export { InputError, HarnessError } from './errors.js';
export type { InputIssue } from './errors.js';
