/**
 * @module scenario/fault-schema
 * What goes wrong in a drill: each fault on a window, per provider or model, with a probability,
 * and optionally aimed at some attempts or requests. Hard faults fail with a status, a broken
 * connection or a broken stream; soft faults answer 200 with an answer that is still wrong.
 */
import { z } from 'zod';
import { duration, ordinalRange, share } from '../units.js';
import { MAX_TOKENS, tokens } from './distribution-schema.js';

/** The sentence a `refusal-answer` answers with unless it says its own. */
export const DEFAULT_REFUSAL = "I'm sorry, but I can't help with that request.";

const window = {
  target: z.string().min(1).describe('`provider` or `provider/model`.'),
  at: duration.default(0).describe('When the fault starts, from the start of the drill.'),
  for: duration
    .optional()
    .describe('How long it lasts; leave out (and `until`) for the rest of the drill.'),
  until: duration.optional(),
  probability: share.default(1).describe('Share of requests in the window it hits.'),
  attempts: ordinalRange
    .optional()
    .describe(
      "Only these attempts of a request on the fault's target: `1` (the first), `1-2`, `2-` (every retry).",
    ),
  requests: ordinalRange
    .optional()
    .describe('Only these requests of the drill, numbered from 1 as they arrive: `1`, `1-10`.'),
};

function fault<K extends string, S extends z.core.$ZodLooseShape>(
  kind: K,
  shape: S,
  description: string,
) {
  return z.strictObject({ kind: z.literal(kind), ...window, ...shape }).describe(description);
}

export const faultSchema = z.discriminatedUnion('kind', [
  fault(
    'outage',
    {
      status: z
        .union([
          z.literal(500),
          z.literal(502),
          z.literal(503),
          z.literal(529),
          z.literal('reset'),
          z.literal('refused'),
        ])
        .default(503),
    },
    'Answers every hit request with the status, or drops (`reset`) or refuses (`refused`) the connection.',
  ),
  fault(
    'error-rate',
    {
      status: z
        .union([z.literal(500), z.literal(502), z.literal(503), z.literal(529)])
        .default(500),
    },
    'The same as an outage, meant with a `probability` below 100%.',
  ),
  fault('latency-spike', { extra: duration }, 'Delays the answer by `extra`.'),
  fault(
    'hang',
    { closeAfter: duration.optional() },
    'Accepts the request and never answers; with `closeAfter`, drops the connection after that long, as a server or proxy with an idle timeout does.',
  ),
  fault(
    'rate-limit',
    { retryAfter: z.union([duration, z.literal('none')]).default('none') },
    'A 429 storm; with `retryAfter` it sends `retry-after` (and `retry-after-ms` on OpenAI).',
  ),
  fault(
    'quota-exhausted',
    {},
    'OpenAI: 429 `insufficient_quota`; Anthropic: 400 "credit balance is too low".',
  ),
  fault(
    'slow-first-token',
    { extra: duration },
    'Headers on time, the first content token `extra` late.',
  ),
  fault(
    'stream-cut',
    { afterTokens: tokens.default(20) },
    'Drops the connection after `afterTokens` output tokens (billed for those).',
  ),
  fault(
    'stream-stall',
    {
      afterTokens: tokens.default(20),
      stall: duration.optional(),
      then: z.enum(['resume', 'close']).default('resume'),
    },
    'Stops sending after `afterTokens` tokens, for `stall` or forever; then resumes, or with `then: close` drops the connection.',
  ).refine((f) => f.then === 'resume' || f.stall !== undefined, {
    message: '`then: close` needs a `stall` to close after',
    path: ['then'],
  }),
  fault(
    'malformed-chunk',
    {
      afterTokens: tokens.optional(),
      atEvent: z.number().int().positive().max(MAX_TOKENS).optional(),
    },
    'Sends one SSE chunk that is not valid JSON after `afterTokens` tokens (20 unless said), or as the `atEvent`th content event of the stream.',
  ).refine((f) => f.afterTokens === undefined || f.atEvent === undefined, {
    message: 'give `afterTokens` or `atEvent`, not both',
    path: ['atEvent'],
  }),
  fault(
    'stream-no-done',
    {},
    'Sends the finish reason and usage, never `[DONE]` / `message_stop`, and keeps the connection open.',
  ),
  fault('invalid-key', {}, "401 with the provider's authentication error."),
  fault(
    'context-length-exceeded',
    {},
    '400 `context_length_exceeded` (also sent whenever the prompt exceeds `contextWindow`).',
  ),
  fault('content-filter', {}, '400 content-filter refusal.'),
  fault(
    'empty-answer',
    {},
    'Soft: 200 with an empty answer and a normal finish (`stop` / `end_turn`), no output tokens.',
  ),
  fault(
    'refusal-answer',
    { text: z.string().min(1).max(2_000).default(DEFAULT_REFUSAL) },
    'Soft: 200 with a refusal sentence and a normal finish. On OpenAI, where the request asks for a JSON schema, the sentence comes in `message.refusal` (content null), as the API sends a structured-output refusal.',
  ),
  fault(
    'length-cut',
    { afterTokens: tokens.default(20) },
    'Soft: the answer stops after `afterTokens` tokens with `finish_reason: length` / `stop_reason: max_tokens`, as if `max_tokens` had been reached.',
  ),
  fault(
    'invalid-json',
    {},
    'Soft: where the request asks for JSON output, the JSON comes in a markdown fence after a sentence, so it does not parse; other requests are answered as usual.',
  ),
  fault(
    'model-swap',
    { model: z.string().min(1).max(200) },
    "Soft: answered by `model` instead of the model asked for, and named so in the response; billed at the asked model's price.",
  ),
  fault(
    'latency-drift',
    {
      ttft: duration.describe("Time to first token at the window's end."),
      tokensPerSecond: z
        .number()
        .positive()
        .describe("Output speed at the window's end, tokens per second."),
    },
    "Soft: time to first token and output speed drift linearly from the provider's own at the window's start to `ttft` and `tokensPerSecond` at its end, without a single error. Needs `for` or `until`.",
  ).refine((f) => f.for !== undefined || f.until !== undefined, {
    message: 'a drift needs a window to drift over: give `for` or `until`',
    path: ['for'],
  }),
]);

/** The soft fault kinds: each answers 200 with an answer that is still wrong. */
export const SOFT_FAULT_KINDS = [
  'empty-answer',
  'refusal-answer',
  'length-cut',
  'invalid-json',
  'model-swap',
  'latency-drift',
] as const satisfies readonly FaultSpec['kind'][];

/** A fault as resolved. */
export type FaultSpec = z.output<typeof faultSchema>;
