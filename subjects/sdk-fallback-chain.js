/**
 * Subject `sdk-fallback-chain`: the try-the-primary-then-the-backup loop many teams write around
 * the official SDKs. Copy it and put your own code in its place: the drill only needs a
 * `fetch(request)` that answers OpenAI chat completions. Each group's targets are tried in order,
 * the OpenAI client for OpenAI-wire providers and the Anthropic client for the others, each with
 * one retry and a 30 s timeout (our choices, not the SDKs' defaults); the first answer wins.
 *
 *   npx failover-drill run scenarios/black-friday.yaml --subject sdk-fallback-chain
 *
 * Needs `openai` and `@anthropic-ai/sdk` installed beside failover-drill.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { chatAnswer, errorAnswer } from 'failover-drill/subject';

/** @type {import('failover-drill/subject').CreateSubject} */
export default function createSubject({ scenario, providers }) {
  const clients = {};
  for (const [name, { wire, baseUrl, apiKey }] of Object.entries(providers)) {
    const options = { apiKey, maxRetries: 1, timeout: 30_000 };
    clients[name] =
      wire === 'openai'
        ? new OpenAI({ ...options, baseURL: baseUrl })
        : new Anthropic({ ...options, baseURL: baseUrl.replace(/\/v1$/, '') });
  }
  /** Asks one target: its answer, or the SDK's error thrown. */
  async function ask({ provider, model }, body, signal) {
    const { messages } = body;
    // The caller's limit, however it names it: an answer cut shorter would be passed on as whole.
    const max_tokens = body.max_completion_tokens ?? body.max_tokens ?? 1024;
    const client = clients[provider];
    if (client instanceof OpenAI) {
      const r = await client.chat.completions.create({ model, messages, max_tokens }, { signal });
      const { prompt_tokens: inputTokens = 0, completion_tokens: outputTokens = 0 } = r.usage ?? {};
      return {
        text: r.choices[0]?.message.content ?? '',
        model: r.model,
        inputTokens,
        outputTokens,
      };
    }
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
    const turns = messages.filter((m) => m.role !== 'system');
    const r = await client.messages.create(
      { model, max_tokens, messages: turns, ...(system.length && { system: system.join('\n') }) },
      { signal },
    );
    const text = r.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    const { input_tokens: inputTokens, output_tokens: outputTokens } = r.usage;
    return { text, model: r.model, inputTokens, outputTokens };
  }
  return {
    async fetch(request) {
      const body = await request.json();
      let lastError = { status: 404, message: `no group ${body.model}` };
      for (const target of scenario.failover.groups[body.model]?.targets ?? []) {
        try {
          return chatAnswer(await ask(target, body, request.signal), body.stream === true);
        } catch (error) {
          if (request.signal.aborted) throw error;
          lastError = error;
        }
      }
      return errorAnswer(lastError);
    },
  };
}
