/**
 * @module failover-drill
 * The public API: the failover engine (a library to ship), and the drill that runs a scenario
 * against it. Everything else is internal.
 */
export type { Clock, Disposable } from './engine/clock.js';
export { systemClock, systemRng } from './engine/system-clock.js';
export { createFailoverClient, FailoverConfigError } from './engine/failover-client.js';
export type { FailoverClient, FailoverClientOptions } from './engine/failover-client.js';
export { undiciTransport } from './engine/undici-transport.js';
export type { UndiciTransportOptions, PooledTransport } from './engine/undici-transport.js';
export type { Rng } from './engine/rng.js';
export type { Transport } from './engine/transport.js';
export { failoverConfigSchema } from './engine/config.js';
export type { FailoverConfig, FailoverConfigInput } from './engine/config.js';
export { FailoverEngine, DeadlineExceededError } from './engine/failover-engine.js';
export type { FailoverEngineOptions } from './engine/failover-engine.js';
export type { EngineEvent, EngineListener, BreakerState } from './engine/events.js';
export { wrap } from './engine/policy.js';
export type { Policy, PolicyEnv, AttemptContext, AttemptFn } from './engine/policy.js';
export { retry } from './engine/policies/retry.js';
export { timeout, AttemptTimeoutError } from './engine/policies/timeout.js';
export { circuitBreaker } from './engine/policies/circuit-breaker.js';
export type { ResolvedEndpoint } from './engine/wire/wire-adapter.js';
export type {
  ChatRequest,
  ChatMessage,
  RequestOutcome,
  AttemptOutcome,
  Target,
  Usage,
  Refusal,
} from './engine/types.js';
export { loadScenario, loadFailoverConfig } from './scenario/load-scenario.js';
export type { Scenario } from './scenario/load-scenario.js';
export { runDrill } from './simulator/run-drill.js';
export type { DrillOptions } from './simulator/run-drill.js';
export { DrillTelemetry } from './telemetry/drill-telemetry.js';
export type { TelemetryOptions } from './telemetry/drill-telemetry.js';
export type { Report } from './report/report-schema.js';
export { InputError, HarnessError } from './errors.js';
export type { InputIssue } from './errors.js';
