/**
 * Subject `engine`: failover-drill's own engine, drilled through the subject contract the way a
 * team that ships it would wrap it: `createFailoverClient` over the global `fetch`, the
 * scenario's failover config, and the engine's OpenAI-compatible handler.
 *
 * Its report matches `failover-drill run` on the same scenario and seed figure for figure
 * (test/subject/engine-subject.test.ts), except where a black box cannot see: breaker and
 * stream-continuation SLOs are listed as unjudged, and a stand-in answer counts as a success.
 *
 *   npx failover-drill run scenarios/black-friday.yaml --subject engine
 */
import {
  chatCompletionsHandler,
  createFailoverClient,
  fetchTransport,
} from 'failover-drill/engine';

/** @type {import('failover-drill').CreateSubject} */
export default function createSubject({ scenario, providers }) {
  /** @type {Record<string, { input: number, output: number }>} */
  const prices = {};
  for (const [provider, spec] of Object.entries(scenario.providers))
    for (const [model, price] of Object.entries(spec.models))
      prices[`${provider}/${model}`] = { input: price.input, output: price.output };
  /** @type {Record<string, string>} */
  const env = {};
  const endpoints = Object.fromEntries(
    Object.entries(providers).map(([name, provider]) => {
      const variable = `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
      env[variable] = provider.apiKey;
      return [name, { wire: provider.wire, baseUrl: provider.baseUrl, apiKeyEnv: variable }];
    }),
  );
  const client = createFailoverClient(
    {
      ...scenario.failover,
      prices: { ...prices, ...scenario.failover.prices },
      providers: endpoints,
    },
    { transport: fetchTransport, env },
  );
  return { fetch: chatCompletionsHandler(client), close: () => client.close() };
}
