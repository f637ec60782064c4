/**
 * Subject `ai-sdk`: the Vercel AI SDK as its users ship failover. `generateText` and `streamText`
 * from `ai` (7.0.173) over `@ai-sdk/openai` (4.0.118, its Chat Completions model, which is what
 * OpenAI-wire providers serve) and `@ai-sdk/anthropic` (4.0.105), failing over along each
 * group's targets with `ai-fallback` (3.0.0): one fallback model per group, kept for the whole
 * drill as an app keeps it, with its defaults (it stays on a fallback for `modelResetInterval`,
 * 3 minutes, and restarts a stream that broke after output on the next model).
 *
 * Left at the SDK's defaults: `maxRetries` (2, exponential backoff from 2 s, Retry-After
 * honoured up to a minute) around the whole fallback chain. No timeout is set, as the SDK sets
 * none; the drill's caller gives up after 60 s. Streams are read from `result.stream` (the full
 * stream): an error part breaks the answer, as an app that checks for errors would. (An app that
 * reads `textStream` alone never sees an error: the SDK leaves error parts out of it.)
 *
 *   npx failover-drill run scenarios/black-friday.yaml --subject ai-sdk
 *
 * Needs `ai`, `@ai-sdk/openai`, `@ai-sdk/anthropic` and `ai-fallback` installed beside
 * failover-drill.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import { createFallback } from 'ai-fallback';
import { chatAnswer, errorAnswer, textStreamAnswer } from 'failover-drill/subject';
import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';

/** @type {import('failover-drill/subject').CreateSubject} */
export default function createSubject({ scenario, providers }) {
  const model = ({ provider, model: id }) => {
    const { wire, baseUrl, apiKey } = providers[provider];
    return wire === 'openai'
      ? createOpenAI({ baseURL: baseUrl, apiKey }).chat(id)
      : createAnthropic({ baseURL: baseUrl, apiKey })(id);
  };
  const byGroup = new Map(
    Object.entries(scenario.failover.groups).map(([group, { targets }]) => [
      group,
      createFallback({ models: targets.map(model) }),
    ]),
  );
  return {
    about: { package: 'ai', version: versionOf('ai') },
    async fetch(request) {
      const body = await request.json();
      const fallback = byGroup.get(body.model);
      if (fallback === undefined)
        return errorAnswer({ status: 404, message: `no group ${body.model}` });
      const system = body.messages.filter((m) => m.role === 'system').map((m) => m.content);
      const options = {
        model: fallback,
        ...(system.length > 0 && { system: system.join('\n') }),
        messages: body.messages.filter((m) => m.role !== 'system'),
        maxOutputTokens: body.max_completion_tokens ?? body.max_tokens,
        abortSignal: request.signal,
      };
      if (body.stream === true) {
        const result = streamText({ ...options, onError: () => {} });
        return textStreamAnswer(pieces(result.stream), body.model);
      }
      try {
        const result = await generateText(options);
        return chatAnswer(
          {
            text: result.text,
            model: result.response.modelId,
            inputTokens: result.usage.inputTokens ?? 0,
            outputTokens: result.usage.outputTokens ?? 0,
          },
          false,
        );
      } catch (error) {
        return errorAnswer(error.lastError ?? error);
      }
    },
  };
}

/** The SDK's full stream as text pieces; an error part (or an error finish) breaks it. */
async function* pieces(stream) {
  let model;
  for await (const part of stream) {
    if (part.type === 'text-delta') yield { text: part.text };
    else if (part.type === 'finish-step') model = part.response?.modelId ?? model;
    else if (part.type === 'error') throw part.error;
    else if (part.type === 'abort') throw new Error(`aborted: ${part.reason ?? 'no reason'}`);
    else if (part.type === 'finish') {
      if (part.finishReason === 'error') throw new Error('the stream finished with an error');
      yield {
        finishReason: part.rawFinishReason ?? part.finishReason,
        inputTokens: part.totalUsage.inputTokens,
        outputTokens: part.totalUsage.outputTokens,
        model,
      };
    }
  }
}

/** The installed version of a package, for the report. */
function versionOf(name) {
  return String(JSON.parse(readFileSync(findPackageJSON(name, import.meta.url), 'utf8')).version);
}
