/**
 * @module engine/answer-validation
 * Soft failures: answers that come with a 200 and are still wrong. Off unless configured; when
 * on, an answer that fails a rule is a failed attempt of reason `invalid-answer`, transient, so it
 * is retried (per `retry.on.invalid`) or failed over and counted by the breaker like a 5xx.
 */
import { z } from 'zod';
import type { AttemptSuccess, ChatRequest } from './types.js';

/** The refusal openings matched when `refusal` is on without patterns of its own. */
export const DEFAULT_REFUSAL_PATTERNS = [
  "^\\s*I[’']?m sorry,? but I can[’']?t",
  "^\\s*I can(?:not|[’']?t) (?:help|assist) with",
  '^\\s*I am (?:unable|not able) to (?:help|assist)',
] as const;

/** The `validate` section of a failover config. */
export const validateSchema = z
  .strictObject({
    nonEmpty: z
      .boolean()
      .default(true)
      .describe('An answer with no text (or only white space) is invalid.'),
    json: z
      .boolean()
      .default(true)
      .describe('An answer to a request that asks for JSON output must parse as JSON.'),
    refusal: z
      .strictObject({
        patterns: z
          .array(
            z
              .string()
              .min(1)
              .refine(
                (source) => {
                  try {
                    new RegExp(source, 'iu');
                    return true;
                  } catch {
                    return false;
                  }
                },
                { message: 'not a valid regular expression' },
              ),
          )
          .min(1)
          .default([...DEFAULT_REFUSAL_PATTERNS]),
      })
      .optional()
      .describe(
        'An answer matching one of these regular expressions (case-insensitive) is a refusal, and invalid. `{}` takes the usual refusal openings ("I\'m sorry, but I can\'t …").',
      ),
    finishReasons: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        'The finish reasons an answer may end with, e.g. `[stop, end_turn]`: `length` / `max_tokens` then marks a cut answer invalid.',
      ),
    model: z
      .enum(['exact', 'family'])
      .optional()
      .describe(
        'The model the answer names must be the one asked for: `exact`, or of its `family` (the same name without a date or version suffix such as `-2024-08-06`, `-20250929` or `-latest`).',
      ),
  })
  .describe('Answer validation: what makes a 200 answer a failure. Off unless set.');

/** Validation rules as resolved. */
export type ValidateConfig = z.output<typeof validateSchema>;

/** Why an answer was judged invalid. */
export type InvalidKind = 'empty' | 'refusal' | 'invalid-json' | 'finish-reason' | 'wrong-model';

/** A judged-invalid answer: which rule, and what it saw. */
export interface InvalidAnswer {
  readonly kind: InvalidKind;
  readonly detail: string;
}

const DATED = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest|v\d+(?:\.\d+)*)$/;

/** A model's family: its name without a trailing date or version. */
export function modelFamily(model: string): string {
  return model.replace(DATED, '');
}

/** Whether `text` parses as JSON. */
export function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Compiled rules: regular expressions built once per config. */
export interface AnswerRules {
  readonly config: ValidateConfig;
  readonly refusals: readonly RegExp[];
}

/** Compiles a `validate` section. */
export function answerRules(config: ValidateConfig): AnswerRules {
  return {
    config,
    refusals: (config.refusal?.patterns ?? []).map((source) => new RegExp(source, 'iu')),
  };
}

const quote = (text: string): string =>
  JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** The first rule `answer` breaks, or undefined for a valid answer. */
export function judgeAnswer(
  rules: AnswerRules,
  request: ChatRequest,
  answer: AttemptSuccess,
): InvalidAnswer | undefined {
  const { config } = rules;
  const text = answer.text;
  if (config.nonEmpty && text.trim() === '')
    return { kind: 'empty', detail: 'the answer is empty' };
  const refusal = rules.refusals.find((pattern) => pattern.test(text));
  if (refusal !== undefined)
    return { kind: 'refusal', detail: `the answer is a refusal: ${quote(text)}` };
  if (config.finishReasons !== undefined && !config.finishReasons.includes(answer.finishReason))
    return {
      kind: 'finish-reason',
      detail: `the answer ended with finish reason "${answer.finishReason}"`,
    };
  if (config.json && request.responseFormat === 'json' && !parsesAsJson(text))
    return { kind: 'invalid-json', detail: `the answer is not valid JSON: ${quote(text)}` };
  const asked = answer.target.model;
  const named = answer.responseModel;
  if (
    (config.model === 'exact' && named !== asked) ||
    (config.model === 'family' && modelFamily(named) !== modelFamily(asked))
  )
    return { kind: 'wrong-model', detail: `asked for ${asked}, answered by ${named}` };
  return undefined;
}
