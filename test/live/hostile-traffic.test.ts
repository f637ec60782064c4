/**
 * Hostile traffic at the live servers: a request target no URL parser accepts, bodies past the
 * bound (declared and chunked), headers sent too slowly, and a wrapper killed under `serve`.
 * Each is refused with a status or a closed connection, and the server keeps answering.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineGateway, type EngineGateway } from '../../src/live/engine-gateway.js';
import { serve, type Serving } from '../../src/live/serve.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';

const root = join(import.meta.dirname, '..', '..');
const scenario = loadScenario(join(root, 'scenarios', 'black-friday.yaml'));
const limits = { maxBodyBytes: 64 * 1024, headersTimeoutMs: 400, requestTimeoutMs: 2_000 };

/** Sends raw bytes on a fresh connection; resolves with all it got back once it closed or went quiet. */
async function raw(port: number, bytes: string | Buffer, quietMs = 1_500): Promise<string> {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.write(bytes);
  await Promise.race([
    once(socket, 'close'),
    new Promise((resolve) => setTimeout(resolve, quietMs)),
  ]);
  socket.destroy();
  return received;
}

/** A chunked upload of `total` bytes; resolves with the status once answered. */
async function chunkedUpload(url: string, total: number): Promise<number> {
  const chunk = new Uint8Array(64 * 1024);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': 'application/json' },
    });
    return response.status;
  } catch {
    // The server may close the connection while the client still uploads.
    return -1;
  }
}

describe('serve under hostile traffic', () => {
  let serving: Serving;
  let port: number;
  const chat = (): string => `${serving.providers.primary!.baseUrl}/chat/completions`;
  const stillServes = async (): Promise<void> => {
    const response = await fetch(`${serving.providers.primary!.baseUrl}/models`);
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    serving = await serve(scenario, { port: 0, host: '127.0.0.1', speed: 1, limits });
    port = (serving.server.address() as { port: number }).port;
  });
  afterAll(() => serving.close());

  it('answers a request target that is not a URL with 400 and stays up', async () => {
    const answer = await raw(port, 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServes();
  });

  it('answers a malformed request line with 400 and stays up', async () => {
    const answer = await raw(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServes();
  });

  it('refuses a declared body past the bound with 413, without reading it', async () => {
    const answer = await raw(
      port,
      `POST /primary/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 300000000\r\n\r\n{"model":`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('larger than 65536 bytes');
    await stillServes();
  });

  it('refuses a chunked body once it passes the bound', async () => {
    const status = await chunkedUpload(chat(), 4 * 1024 * 1024);
    expect([413, -1]).toContain(status);
    await stillServes();
  });

  it('closes a connection whose headers never finish', async () => {
    const started = performance.now();
    const answer = await raw(
      port,
      'POST /primary/v1/chat/completions HTTP/1.1\r\nHost: x\r\n',
      5_000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(performance.now() - started).toBeLessThan(4_500);
    await stillServes();
  });

  it('still answers a body under the bound', async () => {
    const response = await fetch(chat(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-drill' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBeLessThan(500);
  });
});

describe('gateway under hostile traffic', () => {
  let providers: Serving;
  let gateway: EngineGateway;
  let port: number;

  beforeAll(async () => {
    providers = await serve(scenario, { port: 0, host: '127.0.0.1', speed: 1 });
    const origin = providers.providers.primary!.baseUrl.replace(/\/primary\/v1$/, '');
    gateway = await engineGateway(scenario, {
      providers: origin,
      port: 0,
      host: '127.0.0.1',
      speed: 1,
      limits,
    });
    port = (gateway.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await gateway.close();
    await providers.close();
  });

  it('answers a request target that is not a URL with 404, and a large body with 413', async () => {
    expect(await raw(port, 'POST //[ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 404 /,
    );
    const status = await chunkedUpload(`${gateway.baseUrl}/chat/completions`, 4 * 1024 * 1024);
    expect([413, -1]).toContain(status);
    const after = await fetch(`${gateway.baseUrl}/chat/completions`, {
      method: 'POST',
      body: '{}',
    });
    expect(after.status).toBe(400);
  });
});

describe('serve started through a wrapper', () => {
  it('stops when the wrapper that started it is killed', async () => {
    // As npx does: a parent process that dies without passing the signal on.
    const wrapper = spawn(
      'sh',
      [
        '-c',
        `"${process.execPath}" dist/bin/failover-drill.js serve scenarios/black-friday.yaml --port 0; :`,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: wrapper.stdout });
    const ready = await new Promise<{ providers: { primary: { baseUrl: string } } }>((resolve) =>
      lines.on('line', (line) => {
        const parsed = JSON.parse(line) as { ready?: boolean };
        if (parsed.ready === true) resolve(parsed as never);
      }),
    );
    const url = `${ready.providers.primary.baseUrl}/models`;
    expect((await fetch(url)).status).toBe(200);
    wrapper.kill('SIGKILL');
    let up = true;
    for (let i = 0; i < 40 && up; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      up = await fetch(url).then(
        () => true,
        () => false,
      );
    }
    expect(up).toBe(false);
  }, 20_000);
});
