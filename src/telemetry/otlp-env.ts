/**
 * @module telemetry/otlp-env
 * Which collector the standard OpenTelemetry variables name: `OTEL_EXPORTER_OTLP_ENDPOINT` for
 * every signal, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` and `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`
 * for one each. An empty value counts as unset, as OpenTelemetry's configuration specification
 * says. No dependencies: the CLI reads it as it parses its flags.
 */

/** Whether the variables name a collector for `signal`, or for either signal when none is given. */
export function otlpEndpointSet(env: NodeJS.ProcessEnv, signal?: 'TRACES' | 'METRICS'): boolean {
  const signals = signal === undefined ? (['TRACES', 'METRICS'] as const) : [signal];
  return signals.some((s) => otlpEndpoint(env, s) !== undefined);
}

/**
 * The URL the variables name for `signal`'s exports, as OpenTelemetry's exporters read them: the
 * signal's own endpoint as it is, or the common one with `/v1/traces` or `/v1/metrics` appended.
 */
export function otlpEndpoint(
  env: NodeJS.ProcessEnv,
  signal: 'TRACES' | 'METRICS',
): string | undefined {
  const own = (env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`] ?? '').trim();
  if (own !== '') return own;
  const common = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim();
  if (common === '') return undefined;
  return `${common.replace(/\/+$/, '')}/v1/${signal.toLowerCase()}`;
}
