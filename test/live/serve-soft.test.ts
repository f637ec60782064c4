/**
 * Soft faults on the wire: `serve` with the official OpenAI and Anthropic clients pointed at it,
 * whole and streamed. Each soft answer must be one the SDK parses as it parses a real one: a 200,
 * a normal or `length` finish, an empty or refusal text, JSON that its own parse helper rejects,
 * another model's name.
 */
import Anthropic from '@anthropic-ai/sdk';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REFUSAL } from '../../src/scenario/fault-schema.js';
import { ANSWER_SCHEMA } from '../../src/engine/wire/wire-adapter.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist', 'cli', 'bin.js');
const prompt = [{ role: 'user' as const, content: 'Answer in 20 tokens. Where is my order?' }];
const jsonFormat = {
  type: 'json_schema' as const,
  json_schema: { name: 'answer', strict: true, schema: { ...ANSWER_SCHEMA } },
};

describe('soft faults through serve, read by the official clients', () => {
  let child: ChildProcess;
  let providers: Record<string, { baseUrl: string }>;
  let adminUrl: string;

  beforeAll(async () => {
    child = spawn(process.execPath, [bin, 'serve', 'scenarios/black-friday.yaml', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const ready = await new Promise<{ providers: typeof providers; admin: string }>((resolve) => {
      lines.on('line', (line) => {
        const parsed = JSON.parse(line) as { ready?: boolean };
        if (parsed.ready === true)
          resolve(parsed as { providers: typeof providers; admin: string });
      });
    });
    providers = ready.providers;
    adminUrl = ready.admin;
  }, 30_000);

  afterAll(async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });

  afterEach(async () => {
    await fetch(adminUrl, { method: 'DELETE' });
  });

  const fault = async (body: Record<string, unknown>): Promise<void> => {
    const response = await fetch(adminUrl, { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(201);
  };
  const openai = (): OpenAI =>
    new OpenAI({ baseURL: providers.primary!.baseUrl, apiKey: 'sk-drill', maxRetries: 0 });
  const anthropic = (): Anthropic =>
    new Anthropic({
      baseURL: providers.backup!.baseUrl.replace(/\/v1$/, ''),
      apiKey: 'sk-ant-drill',
      maxRetries: 0,
    });

  /** An OpenAI answer streamed: its text, refusal text, finish reason and model. */
  async function streamOpenAi(extra: Record<string, unknown> = {}) {
    const stream = await openai().chat.completions.create({
      model: 'gpt-4o',
      messages: prompt,
      stream: true,
      ...extra,
    });
    let content = '';
    let refusal = '';
    let finish: string | null | undefined;
    let model = '';
    for await (const chunk of stream) {
      model = chunk.model;
      const choice = chunk.choices[0];
      content += choice?.delta.content ?? '';
      refusal += choice?.delta.refusal ?? '';
      finish = choice?.finish_reason ?? finish;
    }
    return { content, refusal, finish, model };
  }

  it('empty-answer: an empty 200 with a normal finish, whole and streamed', async () => {
    await fault({ kind: 'empty-answer', target: 'primary' });
    const whole = await openai().chat.completions.create({ model: 'gpt-4o', messages: prompt });
    expect(whole.choices[0]?.message.content).toBe('');
    expect(whole.choices[0]?.finish_reason).toBe('stop');
    expect(whole.usage?.completion_tokens).toBe(0);
    expect(await streamOpenAi()).toMatchObject({ content: '', finish: 'stop' });

    await fault({ kind: 'empty-answer', target: 'backup' });
    const message = await anthropic().messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      messages: prompt,
    });
    expect(message.content).toEqual([]);
    expect(message.stop_reason).toBe('end_turn');
    const streamed = await anthropic()
      .messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 200, messages: prompt })
      .finalMessage();
    expect(streamed.content.map((b) => (b.type === 'text' ? b.text : '')).join('')).toBe('');
    expect(streamed.stop_reason).toBe('end_turn');
  });

  it('refusal-answer: a refusal sentence as text, and in OpenAI’s refusal field when a schema was asked for', async () => {
    await fault({ kind: 'refusal-answer', target: 'primary' });
    const plain = await openai().chat.completions.create({ model: 'gpt-4o', messages: prompt });
    expect(plain.choices[0]?.message.content).toBe(DEFAULT_REFUSAL);
    expect(plain.choices[0]?.finish_reason).toBe('stop');
    // The SDK's structured-output helper reads the refusal and parses nothing.
    const parsed = await openai().chat.completions.parse({
      model: 'gpt-4o',
      messages: prompt,
      response_format: jsonFormat,
    });
    expect(parsed.choices[0]?.message).toMatchObject({
      content: null,
      refusal: DEFAULT_REFUSAL,
      parsed: null,
    });
    expect(await streamOpenAi({ response_format: jsonFormat })).toMatchObject({
      content: '',
      refusal: DEFAULT_REFUSAL,
      finish: 'stop',
    });

    await fault({ kind: 'refusal-answer', target: 'backup', text: 'I cannot help with that.' });
    const streamed = await anthropic()
      .messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 200, messages: prompt })
      .finalMessage();
    expect(streamed.content).toEqual([
      expect.objectContaining({ type: 'text', text: 'I cannot help with that.' }),
    ]);
    expect(streamed.stop_reason).toBe('end_turn');
  });

  it('length-cut: the answer stops at the cut with finish_reason length / stop_reason max_tokens', async () => {
    await fault({ kind: 'length-cut', target: 'primary', afterTokens: 5 });
    const whole = await openai().chat.completions.create({ model: 'gpt-4o', messages: prompt });
    expect(whole.choices[0]?.message.content).toHaveLength(20);
    expect(whole.choices[0]?.finish_reason).toBe('length');
    expect(whole.usage?.completion_tokens).toBe(5);
    const streamed = await streamOpenAi();
    expect(streamed.content).toHaveLength(20);
    expect(streamed.finish).toBe('length');

    await fault({ kind: 'length-cut', target: 'backup', afterTokens: 5 });
    const message = await anthropic().messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      messages: prompt,
    });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(5);
  });

  it('invalid-json: valid JSON by default, a fenced block the SDK’s JSON parse rejects under the fault', async () => {
    const healthy = await openai().chat.completions.parse({
      model: 'gpt-4o',
      messages: prompt,
      response_format: jsonFormat,
    });
    expect(healthy.choices[0]?.message.parsed).toEqual({ answer: expect.any(String) });

    await fault({ kind: 'invalid-json', target: 'primary' });
    await expect(
      openai().chat.completions.parse({
        model: 'gpt-4o',
        messages: prompt,
        response_format: jsonFormat,
      }),
    ).rejects.toThrow(SyntaxError);
    const streamed = await streamOpenAi({ response_format: jsonFormat });
    expect(streamed.content).toMatch(/^Here is the JSON you asked for:\n\n```json\n\{"answer":"/);
    // A request that asks for no JSON is answered as usual.
    const plain = await openai().chat.completions.create({ model: 'gpt-4o', messages: prompt });
    expect(plain.choices[0]?.message.content).toHaveLength(80);

    await fault({ kind: 'invalid-json', target: 'backup' });
    const message = await anthropic().messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      messages: prompt,
      output_config: { format: { type: 'json_schema', schema: { ...ANSWER_SCHEMA } } },
    });
    const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });

  it('model-swap: the answer names the model that answered', async () => {
    await fault({ kind: 'model-swap', target: 'primary', model: 'gpt-4o-mini' });
    const whole = await openai().chat.completions.create({ model: 'gpt-4o', messages: prompt });
    expect(whole.model).toBe('gpt-4o-mini');
    expect((await streamOpenAi()).model).toBe('gpt-4o-mini');

    await fault({ kind: 'model-swap', target: 'backup', model: 'claude-haiku-4-5' });
    const streamed = await anthropic()
      .messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 200, messages: prompt })
      .finalMessage();
    expect(streamed.model).toBe('claude-haiku-4-5');
  });
});
