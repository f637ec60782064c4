/**
 * @module engine/runtime/failover-client
 * The production entry point: a failover engine over real providers, with undici as transport,
 * the system clock, and API keys read from the environment variables the config names.
 */
import type { Clock } from '../clock.js';
import { failoverConfigSchema, type FailoverConfig, type FailoverConfigInput } from '../config.js';
import { FailoverEngine } from '../failover-engine.js';
import { applyPreset } from '../presets.js';
import type { Rng } from '../rng.js';
import { systemClock, systemRng } from './system-clock.js';
import type { Transport } from '../transport.js';
import type { ChatRequest, RequestOutcome } from '../types.js';
import { undiciTransport, type UndiciTransportOptions } from './undici-transport.js';
import type { ResolvedEndpoint } from '../wire/wire-adapter.js';

/** A config the client cannot run with (no endpoint for a target, a key variable unset). */
export class FailoverConfigError extends Error {
  readonly code = 'FAILOVER_CONFIG' as const;
  constructor(message: string) {
    super(message);
    this.name = 'FailoverConfigError';
  }
}

/** Options of {@link createFailoverClient}. */
export interface FailoverClientOptions {
  /** @defaultValue undici with a pooled Agent */
  readonly transport?: Transport;
  /** Options of the default undici transport. */
  readonly undici?: UndiciTransportOptions;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /** @defaultValue unseeded */
  readonly rng?: Rng;
  /** Where API key variables are read. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A ready client: send requests, subscribe to events, close when done. */
export interface FailoverClient {
  /** Serves one request through the failover chain of its group. */
  complete(request: ChatRequest, signal?: AbortSignal): Promise<RequestOutcome>;
  /** The engine, for events and breaker state. */
  readonly engine: FailoverEngine;
  /** Closes the pooled connections of the default transport. */
  close(): Promise<void>;
}

/**
 * Creates a client from a failover config whose `providers` give each provider's wire, base URL
 * and API key variable. Throws {@link FailoverConfigError} (or a zod error for a malformed
 * config) before sending anything.
 */
export function createFailoverClient(
  config: FailoverConfigInput | FailoverConfig,
  options: FailoverClientOptions = {},
): FailoverClient {
  const parsed = failoverConfigSchema.safeParse(applyPreset(config));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FailoverConfigError(
      `invalid failover config at ${issue?.path.join('.') ?? '(root)'}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  const resolved = parsed.data;
  const env = options.env ?? process.env;
  const endpoints: Record<string, ResolvedEndpoint> = {};
  for (const [name, endpoint] of Object.entries(resolved.providers ?? {})) {
    let apiKey: string | undefined;
    if (endpoint.apiKeyEnv !== undefined) {
      apiKey = env[endpoint.apiKeyEnv];
      if (apiKey === undefined || apiKey === '') {
        throw new FailoverConfigError(
          `provider "${name}": environment variable ${endpoint.apiKeyEnv} is not set`,
        );
      }
    }
    endpoints[name] = {
      wire: endpoint.wire,
      baseUrl: endpoint.baseUrl.replace(/\/+$/, ''),
      ...(apiKey === undefined ? {} : { apiKey }),
    };
  }
  for (const [group, { targets }] of Object.entries(resolved.groups)) {
    for (const target of targets) {
      if (endpoints[target.provider] === undefined) {
        throw new FailoverConfigError(
          `group "${group}": provider "${target.provider}" has no entry under providers (wire, baseUrl, apiKeyEnv)`,
        );
      }
    }
  }
  const connect = resolved.timeout.connect;
  const pooled =
    options.transport === undefined
      ? undiciTransport({
          ...(connect === undefined ? {} : { connectTimeoutMs: connect }),
          ...options.undici,
        })
      : undefined;
  const transport = options.transport ?? (pooled as NonNullable<typeof pooled>).transport;
  const engine = new FailoverEngine(resolved, {
    clock: options.clock ?? systemClock,
    rng: options.rng ?? systemRng,
    transport,
    endpoints,
  });
  engine.startHealthChecks();
  return {
    engine,
    complete: (request, signal) => engine.handle(request, signal),
    close: async () => {
      engine.stopHealthChecks();
      await pooled?.close();
    },
  };
}
