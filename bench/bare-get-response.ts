/**
 * The baseline every simulator figure is compared with: msw's `getResponse` alone, answering a
 * chat completion of the same prompt size as black-friday's, sequentially, in this process.
 */
import { getResponse, http, HttpResponse } from 'msw';

const url = 'https://bare.failover-drill.test/v1/chat/completions';
const handlers = [
  http.post(url, async ({ request }) => {
    const body = (await request.json()) as { model: string };
    return HttpResponse.json({
      id: 'chatcmpl-bare',
      object: 'chat.completion',
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'ok '.repeat(250) },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 900, completion_tokens: 250, total_tokens: 1150 },
    });
  }),
];
const payload = JSON.stringify({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'x'.repeat(3_600) }],
});

/**
 * Requests per wall second through bare `getResponse`, after 2,000 to warm up unless `warmUp` is
 * false (a caller that measures in turns warms up once).
 */
export async function bareGetResponseRate(
  requests: number,
  { warmUp = true }: { readonly warmUp?: boolean } = {},
): Promise<number> {
  const run = async (n: number): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const request = new Request(url, {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json' },
      });
      const response = await getResponse(handlers, request);
      await response?.json();
    }
    return n / ((performance.now() - started) / 1_000);
  };
  if (warmUp) await run(Math.min(2_000, requests));
  return run(requests);
}
