/**
 * Subject `langchain`: LangChain.js failover as its docs show it. For each group,
 * `new ChatOpenAI(…).withFallbacks([new ChatAnthropic(…), …])` along the group's targets, from
 * `@langchain/openai` (1.6.0) and `@langchain/anthropic` (1.5.11) over `@langchain/core`
 * (1.4.0); `invoke` for whole answers, `stream` for streamed ones.
 *
 * Retries as LangChain's fallback guide says ("By default, many of LangChain's LLM wrappers catch
 * errors and retry. You will most likely want to turn those off when working with fallbacks"):
 * `maxRetries: 0` on every model but the last, which keeps LangChain's default (6, p-retry's
 * backoff from 1 s, doubling, randomized). `--subject-config` with `maxRetries: N` sets the
 * others to N: `maxRetries: 6` is what a team gets that skipped that paragraph. Left at
 * LangChain's defaults: no timeout (the drill's caller gives up after 60 s), ChatAnthropic's
 * `maxTokens` (2048). A streamed answer is sent as whole only when the model's last chunk says
 * how it finished (`finish_reason` in `response_metadata`, or Anthropic's `stop_reason` in
 * `additional_kwargs`), as an app that checks would.
 *
 *   npx failover-drill run scenarios/black-friday.yaml --subject langchain
 *
 * Needs `@langchain/core`, `@langchain/openai` and `@langchain/anthropic` installed beside
 * failover-drill.
 */
import { ChatAnthropic } from '@langchain/anthropic';
import { ChatOpenAI } from '@langchain/openai';
import { chatAnswer, errorAnswer, textStreamAnswer } from 'failover-drill/subject';
import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';

/** @type {import('failover-drill/subject').CreateSubject} */
export default function createSubject({ scenario, providers, config }) {
  const maxRetries = config?.maxRetries ?? 0;
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new Error(`maxRetries must be a whole number >= 0, not ${JSON.stringify(maxRetries)}`);
  const chat = ({ provider, model }, last) => {
    const { wire, baseUrl, apiKey } = providers[provider];
    const retries = last ? {} : { maxRetries };
    return wire === 'openai'
      ? new ChatOpenAI({ model, apiKey, configuration: { baseURL: baseUrl }, ...retries })
      : new ChatAnthropic({
          model,
          apiKey,
          anthropicApiUrl: baseUrl.replace(/\/v1$/, ''),
          ...retries,
        });
  };
  const byGroup = new Map(
    Object.entries(scenario.failover.groups).map(([group, { targets }]) => {
      const [first, ...rest] = targets.map((t, i) => chat(t, i === targets.length - 1));
      return [group, first.withFallbacks(rest)];
    }),
  );
  return {
    about: { package: '@langchain/core', version: versionOf('@langchain/core') },
    async fetch(request) {
      const body = await request.json();
      const runnable = byGroup.get(body.model);
      if (runnable === undefined)
        return errorAnswer({ status: 404, message: `no group ${body.model}` });
      const messages = body.messages.map(({ role, content }) => ({ role, content }));
      try {
        if (body.stream === true) {
          const stream = await runnable.stream(messages, { signal: request.signal });
          return textStreamAnswer(pieces(stream), body.model);
        }
        const message = await runnable.invoke(messages, { signal: request.signal });
        return chatAnswer(
          {
            text: message.text,
            model: message.response_metadata.model_name ?? message.response_metadata.model ?? '',
            inputTokens: message.usage_metadata?.input_tokens ?? 0,
            outputTokens: message.usage_metadata?.output_tokens ?? 0,
          },
          false,
        );
      } catch (error) {
        return errorAnswer(error);
      }
    },
  };
}

/** A model's chunks as text pieces, ending with how the model said it finished, if it did. */
async function* pieces(stream) {
  let finishReason;
  let inputTokens = 0;
  let outputTokens = 0;
  let model;
  for await (const chunk of stream) {
    // ChatOpenAI names the model in the last chunk's response_metadata; ChatAnthropic passes
    // Anthropic's message_start on in the first chunk's additional_kwargs.
    model = chunk.response_metadata?.model_name ?? chunk.additional_kwargs?.model ?? model;
    yield { text: chunk.text };
    // ChatOpenAI puts it in response_metadata; ChatAnthropic passes Anthropic's message_delta on.
    finishReason =
      chunk.response_metadata?.finish_reason ??
      chunk.additional_kwargs?.stop_reason ??
      finishReason;
    inputTokens += chunk.usage_metadata?.input_tokens ?? 0;
    outputTokens += chunk.usage_metadata?.output_tokens ?? 0;
  }
  if (finishReason !== undefined) yield { finishReason, inputTokens, outputTokens, model };
}

/** The installed version of a package, for the report. */
function versionOf(name) {
  return String(JSON.parse(readFileSync(findPackageJSON(name, import.meta.url), 'utf8')).version);
}
