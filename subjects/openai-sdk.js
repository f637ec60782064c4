/**
 * Subject `openai-sdk`: what most applications ship. The official `openai` client on each model
 * group's first target, `maxRetries: 2` (the SDK's default), its own timeout and backoff, and no
 * fallback: when that provider is down, the request fails once the SDK has retried.
 *
 *   npx failover-drill run scenarios/black-friday.yaml --subject openai-sdk
 *
 * Needs the `openai` package installed beside failover-drill. A group whose first target is on
 * the Anthropic wire is bad input: this subject speaks to OpenAI-compatible providers only.
 */
import OpenAI from 'openai';
import { errorAnswer, sseAnswer } from 'failover-drill/subject';
import { findPackageJSON } from 'node:module';
import { readFileSync } from 'node:fs';

/** @type {import('failover-drill/subject').CreateSubject} */
export default function createSubject({ scenario, providers }) {
  /** @type {Map<string, { client: OpenAI, model: string }>} */
  const byGroup = new Map();
  for (const [group, { targets }] of Object.entries(scenario.failover.groups)) {
    const first = targets[0];
    const provider = first === undefined ? undefined : providers[first.provider];
    if (first === undefined || provider === undefined) continue;
    if (provider.wire !== 'openai')
      throw new Error(
        `group ${group} starts on ${first.provider}, which speaks the Anthropic wire`,
      );
    const client = new OpenAI({
      baseURL: provider.baseUrl,
      apiKey: provider.apiKey,
      maxRetries: 2,
    });
    byGroup.set(group, { client, model: first.model });
  }
  return {
    about: packageOf('openai'),
    async fetch(request) {
      const body = await request.json();
      const route = byGroup.get(body.model);
      if (route === undefined)
        return errorAnswer({ status: 404, message: `no group ${body.model}` });
      try {
        const params = { ...body, model: route.model };
        if (body.stream !== true)
          return Response.json(
            await route.client.chat.completions.create(params, { signal: request.signal }),
          );
        const stream = await route.client.chat.completions.create(
          { ...params, stream: true },
          { signal: request.signal },
        );
        return sseAnswer(stream);
      } catch (error) {
        return errorAnswer(error);
      }
    },
  };
}

/** The installed version of a package, for the report. */
function packageOf(name) {
  const path = findPackageJSON(name, import.meta.url);
  const json = JSON.parse(readFileSync(path ?? '', 'utf8'));
  return { package: name, version: String(json.version) };
}
