/**
 * @module telemetry/attributes
 * Attribute names. The GenAI ones follow the OpenTelemetry GenAI semantic conventions, which are
 * still in development: they are copied here, as the conventions package advises for incubating
 * names, rather than imported. Our own live under `failover_drill.`.
 */

/** GenAI semantic conventions (development status). */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  tokenType: 'gen_ai.token.type',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
} as const;

/** The harness's own attributes. */
export const DRILL = {
  scenario: 'failover_drill.scenario',
  seed: 'failover_drill.seed',
  group: 'failover_drill.group',
  outcome: 'failover_drill.outcome',
  costUsd: 'failover_drill.cost_usd',
  attempt: 'failover_drill.attempt',
  attempts: 'failover_drill.attempts',
  breakerState: 'failover_drill.breaker.state',
  hedge: 'failover_drill.hedge',
  prefilled: 'failover_drill.prefilled',
  degraded: 'failover_drill.degraded',
  target: 'failover_drill.target',
  stream: 'failover_drill.stream',
  /** The caller request's id (`req-7`), on its root span: what report.json's worst lists name. */
  requestId: 'failover_drill.request_id',
  /** The `validate` rule an answer broke, on an `invalid-answer` attempt. */
  invalidAnswer: 'failover_drill.invalid_answer',
} as const;

/** The GenAI metric names this harness records (development status, as above). */
export const GEN_AI_METRICS = {
  operationDuration: 'gen_ai.client.operation.duration',
} as const;
