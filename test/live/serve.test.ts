/**
 * `serve` with the official OpenAI and Anthropic clients pointed at it: answers streamed and
 * not, an error status, and a 429 whose Retry-After the client honours.
 */
import Anthropic from '@anthropic-ai/sdk';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist', 'cli', 'bin.js');

interface Ready {
  ready: true;
  providers: Record<string, { baseUrl: string; wire: string }>;
  admin: string;
}

describe('failover-drill serve', () => {
  let child: ChildProcess;
  let ready: Ready;
  const logs: Record<string, unknown>[] = [];
  const prompt = [{ role: 'user' as const, content: 'Answer in 20 tokens. Where is my order?' }];

  beforeAll(async () => {
    child = spawn(process.execPath, [bin, 'serve', 'scenarios/black-friday.yaml', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    ready = await new Promise<Ready>((resolve) => {
      lines.on('line', (line) => {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.ready === true) resolve(parsed as unknown as Ready);
        else logs.push(parsed);
      });
    });
  }, 30_000);

  afterAll(async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  const admin = (method: string, body?: unknown) =>
    fetch(ready.admin, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('prints one ready line naming every provider on loopback', () => {
    expect(Object.keys(ready.providers)).toEqual(['primary', 'backup', 'budget']);
    for (const p of Object.values(ready.providers))
      expect(p.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\w+\/v1$/);
    expect(ready.providers.backup?.wire).toBe('anthropic');
  });

  it('answers the official OpenAI client, whole and streamed', async () => {
    const client = new OpenAI({ baseURL: ready.providers.primary!.baseUrl, apiKey: 'sk-drill' });
    const answer = await client.chat.completions.create({ model: 'gpt-4o', messages: prompt });
    expect(answer.choices[0]?.message.content).toHaveLength(80);
    expect(answer.usage?.completion_tokens).toBe(20);
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: prompt,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toHaveLength(80);
  });

  it('answers the official Anthropic client, whole and streamed', async () => {
    // The Anthropic client adds /v1 itself.
    const baseURL = ready.providers.backup!.baseUrl.replace(/\/v1$/, '');
    const client = new Anthropic({ baseURL, apiKey: 'sk-ant-drill' });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      messages: prompt,
    });
    expect(message.usage.output_tokens).toBe(20);
    const streamed = await client.messages
      .stream({ model: 'claude-sonnet-4-5', max_tokens: 200, messages: prompt })
      .finalMessage();
    expect(streamed.content[0]?.type === 'text' && streamed.content[0].text).toHaveLength(80);
  });

  it('passes an error status to the client, from a fault added through the admin endpoint', async () => {
    expect((await admin('POST', { kind: 'outage', target: 'budget', status: 503 })).status).toBe(
      201,
    );
    const client = new OpenAI({
      baseURL: ready.providers.budget!.baseUrl,
      apiKey: 'sk-drill',
      maxRetries: 0,
    });
    await expect(
      client.chat.completions.create({ model: 'deepseek-chat', messages: prompt }),
    ).rejects.toMatchObject({ status: 503 });
    expect((await admin('DELETE')).status).toBe(200);
    const answer = await client.chat.completions.create({
      model: 'deepseek-chat',
      messages: prompt,
    });
    expect(answer.choices[0]?.message.content).toHaveLength(80);
  });

  it('sends a 429 with Retry-After that the official client waits out before retrying', async () => {
    expect(
      (await admin('POST', { kind: 'rate-limit', target: 'primary', for: '1s', retryAfter: '1s' }))
        .status,
    ).toBe(201);
    const client = new OpenAI({
      baseURL: ready.providers.primary!.baseUrl,
      apiKey: 'sk-drill',
      maxRetries: 3,
    });
    const started = Date.now();
    const answer = await client.chat.completions.create({ model: 'gpt-4o', messages: prompt });
    expect(answer.choices[0]?.message.content).toHaveLength(80);
    // The first attempt got the 429; the retry came after the second the provider asked for.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const statuses = logs.filter((l) => l.provider === 'primary').map((l) => l.status);
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(200);
    await admin('DELETE');
  });

  it("fails only a request's first attempt (attempts: 1), as the official clients count their retries", async () => {
    expect(
      (await admin('POST', { kind: 'outage', target: 'primary', status: 500, attempts: 1 })).status,
    ).toBe(201);
    const openai = new OpenAI({
      baseURL: ready.providers.primary!.baseUrl,
      apiKey: 'sk-drill',
      maxRetries: 2,
    });
    const answer = await openai.chat.completions.create({ model: 'gpt-4o', messages: prompt });
    expect(answer.choices[0]?.message.content).toHaveLength(80);
    expect(
      logs
        .filter((l) => l.provider === 'primary')
        .map((l) => l.status)
        .slice(-2),
    ).toEqual([500, 200]);
    // Without retries the first attempt is all there is.
    await expect(
      openai.chat.completions.create({ model: 'gpt-4o', messages: prompt }, { maxRetries: 0 }),
    ).rejects.toMatchObject({ status: 500 });

    expect(
      (await admin('POST', { kind: 'outage', target: 'backup', status: 529, attempts: '1-2' }))
        .status,
    ).toBe(201);
    const anthropic = new Anthropic({
      baseURL: ready.providers.backup!.baseUrl.replace(/\/v1$/, ''),
      apiKey: 'sk-ant-drill',
      maxRetries: 2,
    });
    const message = await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      messages: prompt,
    });
    expect(message.usage.output_tokens).toBe(20);
    expect(
      logs
        .filter((l) => l.provider === 'backup')
        .map((l) => l.status)
        .slice(-3),
    ).toEqual([529, 529, 200]);
    await admin('DELETE');
  });

  it('drops a hung request after closeAfter, and a stalled stream with then: close', async () => {
    await admin('POST', { kind: 'hang', target: 'budget', closeAfter: '300ms' });
    const client = new OpenAI({
      baseURL: ready.providers.budget!.baseUrl,
      apiKey: 'sk-drill',
      maxRetries: 0,
    });
    const started = Date.now();
    await expect(
      client.chat.completions.create({ model: 'deepseek-chat', messages: prompt }),
    ).rejects.toThrow(/Connection error/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await admin('DELETE');

    await admin('POST', {
      kind: 'stream-stall',
      target: 'budget',
      afterTokens: 5,
      stall: '200ms',
      then: 'close',
    });
    const stream = await client.chat.completions.create({
      model: 'deepseek-chat',
      messages: prompt,
      stream: true,
    });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })(),
    ).rejects.toThrow();
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(80);
    await admin('DELETE');
  });

  it('delivers the tokens sent before a stream-cut, then drops the connection', async () => {
    await admin('POST', { kind: 'stream-cut', target: 'budget', afterTokens: 5 });
    const stream = await new OpenAI({
      baseURL: ready.providers.budget!.baseUrl,
      apiKey: 'sk-drill',
      maxRetries: 0,
    }).chat.completions.create({ model: 'deepseek-chat', messages: prompt, stream: true });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })(),
    ).rejects.toThrow();
    expect(text).toHaveLength(20);
    await admin('DELETE');
  });

  it('dates each answer by the drill clock, as created and the rate-limit resets are', async () => {
    const { data, response } = await new OpenAI({
      baseURL: ready.providers.primary!.baseUrl,
      apiKey: 'sk-drill',
    }).chat.completions
      .create({ model: 'gpt-4o', messages: prompt })
      .withResponse();
    const date = Date.parse(response.headers.get('date')!);
    expect(Math.abs(date - data.created * 1_000)).toBeLessThanOrEqual(1_000);
    // black-friday's drill time starts at its startsAt, not at the wall clock's now.
    expect(Math.abs(date - Date.now())).toBeGreaterThan(86_400_000);
    expect(Number(response.headers.get('openai-processing-ms'))).toBeGreaterThan(0);
  });

  it('logs a line per request, without keys or bodies', () => {
    expect(logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs)).not.toMatch(/sk-drill|sk-ant-drill|Where is my order/);
  });

  it('answers the admin endpoint with the faults in force', async () => {
    const listing = (await (await admin('GET')).json()) as { faults: { kind: string }[] };
    expect(listing.faults.map((f) => f.kind)).toEqual(['outage']);
  });
});

describe('serve refuses', () => {
  it('a non-loopback address without --allow-remote (exit 2)', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'serve', 'scenarios/black-friday.yaml', '--host', '0.0.0.0'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toMatch(/0\.0\.0\.0 is not loopback; add --allow-remote/);
  });
});
