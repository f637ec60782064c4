/**
 * Answer validation: each rule by name, the config's own checks of it, and the engine's handling
 * of an invalid answer (retried per `retry.on.invalid`, failed over, told as an event).
 */
import { describe, expect, it } from 'vitest';
import {
  answerRules,
  judgeAnswer,
  modelFamily,
  validateSchema,
} from '../../src/engine/answer-validation.js';
import { failoverConfigSchema } from '../../src/engine/config.js';
import type { AttemptSuccess, ChatRequest } from '../../src/engine/types.js';
import { engineHarness, okBody, one } from '../support/engine-harness.js';

const request: ChatRequest = {
  id: 'r1',
  group: 'chat',
  messages: [{ role: 'user', content: 'hello' }],
  maxTokens: 64,
  stream: false,
};
const answer = (over: Partial<AttemptSuccess> = {}): AttemptSuccess => ({
  ok: true,
  target: { provider: 'primary', model: 'gpt-4o-2024-08-06' },
  status: 200,
  text: 'The order ships today.',
  usage: { inputTokens: 3, outputTokens: 5 },
  finishReason: 'stop',
  responseModel: 'gpt-4o-2024-08-06',
  ...over,
});
const judge = (config: unknown, a: AttemptSuccess, r: ChatRequest = request) =>
  judgeAnswer(answerRules(validateSchema.parse(config)), r, a)?.kind;

describe('answer validation', () => {
  it('passes a whole answer from the model asked for', () => {
    const all = { refusal: {}, finishReasons: ['stop'], model: 'exact' };
    expect(judge(all, answer())).toBeUndefined();
  });

  it('judges each soft failure by its rule', () => {
    expect(judge({}, answer({ text: '  ' }))).toBe('empty');
    expect(judge({ nonEmpty: false }, answer({ text: '' }))).toBeUndefined();
    expect(judge({ refusal: {} }, answer({ text: "I'm sorry, but I can't help with that." }))).toBe(
      'refusal',
    );
    expect(judge({ refusal: { patterns: ['^no\\b'] } }, answer({ text: 'No.' }))).toBe('refusal');
    // Without a refusal rule a refusal is an answer like any other.
    expect(judge({}, answer({ text: "I'm sorry, but I can't help with that." }))).toBeUndefined();
    expect(judge({ finishReasons: ['stop', 'end_turn'] }, answer({ finishReason: 'length' }))).toBe(
      'finish-reason',
    );
    const json: ChatRequest = { ...request, responseFormat: 'json' };
    expect(judge({}, answer({ text: '```json\n{"answer":"x"}\n```' }), json)).toBe('invalid-json');
    expect(judge({}, answer({ text: '{"answer":"x"}' }), json)).toBeUndefined();
    // JSON is judged only where it was asked for.
    expect(judge({}, answer({ text: 'plain' }))).toBeUndefined();
    expect(judge({ model: 'exact' }, answer({ responseModel: 'gpt-4o-mini' }))).toBe('wrong-model');
  });

  it('takes a dated or versioned model as its family', () => {
    expect(modelFamily('gpt-4o-2024-08-06')).toBe('gpt-4o');
    expect(modelFamily('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(modelFamily('claude-3-5-haiku-latest')).toBe('claude-3-5-haiku');
    expect(modelFamily('gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(judge({ model: 'family' }, answer({ responseModel: 'gpt-4o-2024-11-20' }))).toBe(
      undefined,
    );
    expect(judge({ model: 'family' }, answer({ responseModel: 'gpt-4o-mini' }))).toBe(
      'wrong-model',
    );
  });

  it('refuses a refusal pattern that is not a regular expression, naming it', () => {
    const result = failoverConfigSchema.safeParse({
      groups: { chat: { targets: ['primary/m'] } },
      validate: { refusal: { patterns: ['(unclosed'] } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['validate', 'refusal', 'patterns', 0],
      message: 'not a valid regular expression',
    });
  });
});

describe('the engine with validate', () => {
  const empty = { ...okBody, choices: [{ ...okBody.choices[0], message: { content: '' } }] };
  const chain = {
    groups: { chat: { targets: ['primary/m', 'backup/m'] } },
    retry: { baseDelay: '10ms' },
    validate: {},
  };

  it('retries an invalid answer on the same target, then fails over, telling each as an event', async () => {
    const h = engineHarness(chain, (p) =>
      p === 'primary' ? { status: 200, body: empty } : { status: 200 },
    );
    const outcome = await one(h);
    expect(outcome).toMatchObject({ ok: true, text: 'hi', target: { provider: 'backup' } });
    expect(h.calls.map((c) => c.provider)).toEqual(['primary', 'primary', 'primary', 'backup']);
    const invalid = h.events.filter((e) => e.type === 'answer:invalid');
    expect(invalid).toHaveLength(3);
    expect(invalid[0]).toMatchObject({ kind: 'empty', attempt: 1 });
    expect(
      h.events.filter((e) => e.type === 'attempt:end' && e.reason === 'invalid-answer'),
    ).toHaveLength(3);
  });

  it('fails over at once when retry.on.invalid is off', async () => {
    const h = engineHarness(
      { ...chain, retry: { baseDelay: '10ms', on: { invalid: false } } },
      (p) => (p === 'primary' ? { status: 200, body: empty } : { status: 200 }),
    );
    expect(await one(h)).toMatchObject({ ok: true, target: { provider: 'backup' } });
    expect(h.calls.map((c) => c.provider)).toEqual(['primary', 'backup']);
  });

  it('passes an empty answer on without validate, as a plain client does', async () => {
    const h = engineHarness({ groups: chain.groups }, () => ({ status: 200, body: empty }));
    expect(await one(h)).toMatchObject({ ok: true, text: '' });
    expect(h.calls).toHaveLength(1);
  });
});
