/**
 * Subject `sdk-fallback-chain`: the try-the-primary-then-the-backup loop many teams write around
 * the official SDKs. Copy it and put your own code in its place: the drill only needs a
 * `fetch(request)` that answers OpenAI chat completions. Each group's targets are tried in order,
 * the OpenAI client for OpenAI-wire providers and the Anthropic client for the others, each with
 * one retry and a 30 s timeout; the first answer wins.
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
  const clients = Object.fromEntries(
    Object.entries(providers).map(([name, { wire, baseUrl, apiKey }]) => {
      const options = { apiKey, maxRetries: 1, timeout: 30_000 };
      return [
        name,
        wire === 'openai'
          ? { wire, client: new OpenAI({ ...options, baseURL: baseUrl }) }
          : { wire, client: new Anthropic({ ...options, baseURL: baseUrl.replace(/\/v1$/, '') }) },
      ];
    }),
  );
  /** Asks one target; resolves to the answer or throws the SDK's error. */
  async function ask({ provider, model }, { messages, max_tokens = 1024 }, signal) {
    const { wire, client } = clients[provider];
    if (wire === 'openai') {
      const r = await client.chat.completions.create({ model, messages, max_tokens }, { signal });
      const { prompt_tokens = 0, completion_tokens = 0 } = r.usage ?? {};
      return {
        text: r.choices[0]?.message.content ?? '',
        model: r.model,
        inputTokens: prompt_tokens,
        outputTokens: completion_tokens,
      };
    }
    const system = messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n');
    const turns = messages.filter((m) => m.role !== 'system');
    const r = await client.messages.create(
      { model, max_tokens, messages: turns, ...(system ? { system } : {}) },
      { signal },
    );
    const text = r.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    return {
      text,
      model: r.model,
      inputTokens: r.usage.input_tokens,
      outputTokens: r.usage.output_tokens,
    };
  }
  return {
    async fetch(request) {
      const body = await request.json();
      const targets = scenario.failover.groups[body.model]?.targets ?? [];
      let lastError = { status: 404, message: `no group ${body.model}` };
      for (const target of targets) {
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
