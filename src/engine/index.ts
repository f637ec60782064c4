/**
 * @module engine
 * The failover engine alone, for production use (`failover-drill/engine`): the client over real
 * providers, its config schema, the policies and the types. It loads neither the simulator, nor
 * msw, nor OpenTelemetry.
 */
export type { Clock, Disposable } from './clock.js';
export { systemClock, systemRng } from './runtime/system-clock.js';
export { createFailoverClient, FailoverConfigError } from './runtime/failover-client.js';
export type { FailoverClient, FailoverClientOptions } from './runtime/failover-client.js';
export { undiciTransport } from './runtime/undici-transport.js';
export { fetchTransport } from './runtime/fetch-transport.js';
export { chatCompletionsHandler } from './runtime/chat-completions.js';
export type { ChatCompletionsOptions } from './runtime/chat-completions.js';
export type { UndiciTransportOptions, PooledTransport } from './runtime/undici-transport.js';
export type { Rng } from './rng.js';
export type { Transport } from './transport.js';
export { failoverConfigSchema } from './config.js';
export type { FailoverConfig, FailoverConfigInput } from './config.js';
export { FailoverEngine } from './failover-engine.js';
export { DeadlineExceededError } from './outcomes.js';
export type { FailoverEngineOptions } from './failover-engine.js';
export type { EngineEvent, EngineListener, BreakerState } from './events.js';
export { wrap } from './policy.js';
export type { Policy, PolicyEnv, AttemptContext, AttemptFn } from './policy.js';
export { retry } from './policies/retry.js';
export { timeout, AttemptTimeoutError } from './policies/timeout.js';
export { circuitBreaker } from './policies/circuit-breaker.js';
export type { ResolvedEndpoint } from './wire/wire-adapter.js';
export type {
  ChatRequest,
  ChatMessage,
  RequestOutcome,
  AttemptOutcome,
  Target,
  Usage,
  Refusal,
} from './types.js';
