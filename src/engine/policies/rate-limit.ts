/**
 * @module engine/policies/rate-limit
 * Client-side rate limits per provider: RPM and TPM token buckets, so the client stays under
 * the provider's limits instead of learning them from 429s. An attempt that would exceed them
 * waits when the wait is short (up to `maxWaitMs`), otherwise it is shed and the router moves on.
 * Tokens are counted the way OpenAI meters them: the prompt's estimated tokens plus `max_tokens`.
 */
import { sleep } from '../clock.js';
import type { AttemptContext, AttemptFn, Policy, PolicyEnv } from '../policy.js';
import { TokenBucket } from '../token-bucket.js';
import type { AttemptOutcome, ChatRequest } from '../types.js';

/** Limits of one provider, per minute. */
export interface ProviderRateLimit {
  readonly rpm?: number | undefined;
  readonly tpm?: number | undefined;
}

/** Rate limit options, in milliseconds. */
export interface RateLimitOptions {
  readonly perProvider: Readonly<Record<string, ProviderRateLimit>>;
  /** Longest wait for capacity before shedding. @defaultValue 0 */
  readonly maxWaitMs: number;
}

/** Estimated tokens a request counts against a TPM limit. */
export function meteredTokens(request: ChatRequest): number {
  let chars = 0;
  for (const message of request.messages) chars += message.content.length;
  return Math.ceil(chars / 4) + request.maxTokens;
}

interface Buckets {
  readonly requests: TokenBucket | undefined;
  readonly tokens: TokenBucket | undefined;
}

/** Creates the client-side rate limit policy. */
export function rateLimit(options: RateLimitOptions, env: PolicyEnv): Policy {
  const buckets = new Map<string, Buckets>();
  const bucketsOf = (provider: string): Buckets | undefined => {
    const limits = options.perProvider[provider];
    if (limits === undefined) return undefined;
    let b = buckets.get(provider);
    if (b === undefined) {
      const now = env.clock.now();
      b = {
        requests: limits.rpm === undefined ? undefined : new TokenBucket(limits.rpm, now),
        tokens: limits.tpm === undefined ? undefined : new TokenBucket(limits.tpm, now),
      };
      buckets.set(provider, b);
    }
    return b;
  };

  return {
    name: 'rate-limit',
    async execute(ctx: AttemptContext, next: AttemptFn): Promise<AttemptOutcome> {
      const b = bucketsOf(ctx.target.provider);
      if (b === undefined) return next(ctx);
      const now = env.clock.now();
      const tokens = meteredTokens(ctx.request);
      const waitMs = Math.max(
        b.requests?.waitFor(1, now) ?? 0,
        b.tokens?.waitFor(tokens, now) ?? 0,
      );
      if (waitMs > options.maxWaitMs) {
        if (env.events.active)
          env.events.emit({
            type: 'rate-limit:shed',
            at: now,
            requestId: ctx.request.id,
            target: ctx.target,
            waitMs,
          });
        return {
          ok: false,
          target: ctx.target,
          reason: 'shed',
          failureClass: 'saturated',
          message: `client-side rate limit for ${ctx.target.provider}: next capacity in ${Math.ceil(waitMs)}ms`,
        };
      }
      // Reserve now, so attempts arriving while this one waits queue behind it.
      b.requests?.take(1, now);
      b.tokens?.take(tokens, now);
      if (waitMs > 0) {
        if (env.events.active)
          env.events.emit({
            type: 'rate-limit:delayed',
            at: now,
            requestId: ctx.request.id,
            target: ctx.target,
            waitMs,
          });
        try {
          await sleep(env.clock, waitMs, ctx.signal);
        } catch {
          return {
            ok: false,
            target: ctx.target,
            reason: 'aborted',
            failureClass: 'final',
            message: 'cancelled while waiting for rate-limit capacity',
          };
        }
      }
      return next(ctx);
    },
  };
}
