import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'failover-drill-test-'));
}

/** Writes `text` to `name` in a fresh temporary folder and returns its path. */
export function writeTemp(name: string, text: string, dir = tempDir()): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A small valid scenario; `extra` is appended YAML, `replace` swaps text in it. */
export function scenarioYaml(
  options: { replace?: [string, string][]; extra?: string } = {},
): string {
  let text = `name: tiny
seed: 7
duration: 2m
traffic:
  arrivals: { shape: constant, rate: 60/m }
  mix:
    - group: chat
  inputTokens: 100
  outputTokens: 50
  streaming: 50%
providers:
  primary:
    wire: openai
    models:
      gpt-4o: { input: 2.5, output: 10 }
    latency: { ttft: 200ms, tokensPerSecond: 100 }
  backup:
    wire: anthropic
    models:
      claude-sonnet-4-5: { input: 3, output: 15 }
    latency: { ttft: 300ms, tokensPerSecond: 80 }
faults:
  - kind: outage
    target: primary
    at: 30s
    for: 30s
failover:
  groups:
    chat:
      targets: [primary/gpt-4o, backup/claude-sonnet-4-5]
slos:
  - availability >= 99%
`;
  for (const [from, to] of options.replace ?? []) {
    if (!text.includes(from)) throw new Error(`scenarioYaml: "${from}" not found`);
    text = text.replace(from, to);
  }
  return text + (options.extra ?? '');
}

/** A whole OpenAI chat completion of one word, as a provider or a gateway answers it. */
export function chatCompletion(model = 'gpt-4o'): Record<string, unknown> {
  return {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

/** A loopback port nothing listens on just now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The project root, where the CLI runs from in tests. */
export const ROOT = join(import.meta.dirname, '..', '..');
/** The built CLI, as package.json ships it (the bundle): `npm test` builds it before the tests. */
export const BIN = join(ROOT, 'dist', 'bin', 'failover-drill.js');

/** What a CLI run printed, and its exit code. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI from the project root, as CI does (`CI=true`), within a minute. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
