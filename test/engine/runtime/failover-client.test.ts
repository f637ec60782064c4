import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFailoverClient,
  FailoverConfigError,
} from '../../../src/engine/runtime/failover-client.js';

let server: Server;
let base = '';
const seen: { path: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      if (req.url?.startsWith('/down/')) {
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: 'down', type: 'server_error' } }));
        return;
      }
      const body = JSON.parse(raw) as { model: string; stream?: boolean };
      if (body.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (o: unknown): string => `data: ${JSON.stringify(o)}\n\n`;
        res.write(
          chunk({
            model: body.model,
            choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' } }],
          }),
        );
        res.write(
          chunk({
            model: body.model,
            choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }],
          }),
        );
        res.write(
          chunk({
            model: body.model,
            choices: [],
            usage: { prompt_tokens: 5, completion_tokens: 2 },
          }),
        );
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          model: body.model,
          choices: [
            { index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 5, completion_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = () => ({
  providers: {
    down: { wire: 'openai' as const, baseUrl: `${base}/down/v1`, apiKeyEnv: 'DOWN_KEY' },
    up: { wire: 'openai' as const, baseUrl: `${base}/up/v1`, apiKeyEnv: 'UP_KEY' },
  },
  groups: { chat: { targets: ['down/gpt-4o', 'up/gpt-4o-mini'] } },
  retry: { maxAttempts: 1 },
});

describe('createFailoverClient', () => {
  it('fails over between real HTTP endpoints with undici, keys from the environment', async () => {
    const client = createFailoverClient(config(), {
      env: { DOWN_KEY: 'key-down', UP_KEY: 'key-up' },
    });
    try {
      for (const stream of [false, true]) {
        const outcome = await client.complete({
          id: `r-${stream}`,
          group: 'chat',
          messages: [{ role: 'user', content: 'hi' }],
          maxTokens: 16,
          stream,
        });
        expect(outcome).toMatchObject({
          ok: true,
          target: { provider: 'up', model: 'gpt-4o-mini' },
          text: 'Hello',
          usage: { inputTokens: 5, outputTokens: 2 },
          attempts: 2,
        });
      }
    } finally {
      await client.close();
    }
    expect(
      seen
        .filter((s) => s.path === '/down/v1/chat/completions')
        .every((s) => s.authorization === 'Bearer key-down'),
    ).toBe(true);
    expect(
      seen
        .filter((s) => s.path === '/up/v1/chat/completions')
        .every((s) => s.authorization === 'Bearer key-up'),
    ).toBe(true);
  });

  it('refuses to start without a key variable, naming the variable only', () => {
    expect(() => createFailoverClient(config(), { env: { DOWN_KEY: 'key-down' } })).toThrow(
      new FailoverConfigError('provider "up": environment variable UP_KEY is not set'),
    );
  });

  it('refuses a target whose provider has no endpoint', () => {
    const { providers, ...rest } = config();
    expect(() =>
      createFailoverClient(
        { ...rest, providers: { down: providers.down } },
        { env: { DOWN_KEY: 'k' } },
      ),
    ).toThrow(/provider "up" has no entry under providers/);
  });
});
