/**
 * `failover-drill/engine`, imported by package name from the build as a production user would:
 * it loads the engine alone (no msw, no OpenTelemetry, no simulator) and fails a request over
 * from a provider that answers 503 to one that answers, on loopback.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/helpers.js';

// Two OpenAI-wire providers on one loopback server: /down answers 503, /up answers.
const PROGRAM = `
import { createServer } from 'node:http';
import { createFailoverClient } from 'failover-drill/engine';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url.startsWith('/down')) {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      id: 'c1', object: 'chat.completion', created: 0, model: 'small',
      choices: [{ index: 0, message: { role: 'assistant', content: 'on its way' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    }));
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = 'http://127.0.0.1:' + server.address().port;
process.env.DRILL_KEY = 'sk-test';
const client = createFailoverClient({
  providers: {
    down: { wire: 'openai', baseUrl: base + '/down/v1', apiKeyEnv: 'DRILL_KEY' },
    up: { wire: 'openai', baseUrl: base + '/up/v1', apiKeyEnv: 'DRILL_KEY' },
  },
  groups: { chat: { targets: ['down/big', 'up/small'] } },
  retry: { maxAttempts: 1 },
});
const failovers = [];
client.engine.events.on((event) => { if (event.type === 'failover') failovers.push(event.to.provider); });
const outcome = await client.complete({
  id: 'r1', group: 'chat', messages: [{ role: 'user', content: 'Where is my order?' }], maxTokens: 50, stream: false,
});
await client.close();
server.close();
console.log(JSON.stringify({ ok: outcome.ok, text: outcome.text, provider: outcome.target?.provider, failovers }));
`;

describe('failover-drill/engine', () => {
  it('imports by package name and fails over on loopback', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', PROGRAM], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      text: 'on its way',
      provider: 'up',
      failovers: ['up'],
    });
  });

  it('loads neither msw, nor OpenTelemetry, nor the simulator', () => {
    // Every module file the import loads, as the ESM loader resolves them.
    const result = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { registerHooks } from 'node:module';
const seen = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
await import('failover-drill/engine');
console.log(JSON.stringify(seen));`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.stderr).toBe('');
    const loaded = JSON.parse(result.stdout) as string[];
    expect(loaded.some((url) => url.includes('/dist/engine/index.js'))).toBe(true);
    expect(
      loaded.filter((url) =>
        /\/node_modules\/(msw|@opentelemetry)\/|\/dist\/(simulator|providers|telemetry|report|scenario)\//.test(
          url,
        ),
      ),
    ).toEqual([]);
  });
});
