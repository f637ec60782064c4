/**
 * Subject `portkey`: the Portkey AI gateway (`@portkey-ai/gateway`, pinned 1.15.2), its Hono app
 * run in process instead of behind a port. A module resolve hook puts portkey-node-server.js in
 * place of `@hono/node-server` for the gateway alone, so its `serve` hands over the app's
 * `fetch` handler; every request then carries the Portkey config as `x-portkey-config`.
 *
 * The config is `--subject-config`, a Portkey config sent with every request; a `custom_host`
 * whose path starts with a scenario provider's name (`…/primary/v1`) is pointed at that provider
 * in the drill, so the live recipe's config (recipes/portkey/config.json) drills unchanged.
 * Without one, each model group gets the recipe's config for its own chain: a fallback along its
 * targets on 429 and 5xx, each target but the last retried once (our choice, as the recipe's;
 * Portkey's own default is no retry). What the gateway prints goes to subject.log.
 *
 *   npx failover-drill run scenarios/black-friday.yaml --subject portkey
 *   npx failover-drill check scenarios/black-friday.yaml --subject portkey
 *
 * Needs `@portkey-ai/gateway@1.15.2` installed beside failover-drill.
 */
import { readFileSync } from 'node:fs';
import { findPackageJSON, registerHooks } from 'node:module';
import { CAPTURED } from './portkey-node-server.js';

const PORTKEY = '@portkey-ai/gateway';
const HOOKED = Symbol.for('failover-drill.portkey.hooked');
let instances = 0;

/** Routes the gateway's `@hono/node-server` to the stand-in, once per process. */
function hookNodeServer() {
  if (globalThis[HOOKED] === true) return;
  globalThis[HOOKED] = true;
  const standIn = new URL('./portkey-node-server.js', import.meta.url).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === '@hono/node-server' && context.parentURL?.includes('/@portkey-ai/gateway/'))
        return { url: standIn, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}

/** Points each `custom_host` that names a scenario provider at that provider in the drill. */
function pointAtDrill(config, providers) {
  if (Array.isArray(config)) return config.map((item) => pointAtDrill(item, providers));
  if (typeof config !== 'object' || config === null) return config;
  const out = {};
  for (const [key, value] of Object.entries(config)) {
    const name =
      key === 'custom_host' && typeof value === 'string'
        ? new URL(value).pathname.split('/')[1]
        : undefined;
    out[key] =
      name !== undefined && providers[name] !== undefined
        ? providers[name].baseUrl
        : pointAtDrill(value, providers);
  }
  return out;
}

/** Imports a fresh copy of the gateway (its state is per drill) and returns its app's fetch. */
async function importGateway(log) {
  hookNodeServer();
  const entry = import.meta.resolve(`${PORTKEY}/build/start-server.js`);
  const listeners = ['uncaughtException', 'unhandledRejection'].map((e) => [
    e,
    process.listeners(e),
  ]);
  const write = process.stdout.write;
  // The gateway's start-up spinner writes straight to stdout.
  process.stdout.write = (chunk) => {
    log(String(chunk).replace(/\r/g, '').trim());
    return true;
  };
  try {
    delete globalThis[CAPTURED];
    await import(`${entry}?drill=${++instances}`);
  } finally {
    process.stdout.write = write;
    // It also claims every uncaught error of the process: only the drill's own handlers stay.
    for (const [event, before] of listeners)
      for (const listener of process.listeners(event))
        if (!before.includes(listener)) process.off(event, listener);
  }
  const app = globalThis[CAPTURED];
  if (typeof app !== 'function') throw new Error(`${PORTKEY} did not hand over its app`);
  return app;
}

const ON_STATUS = [429, 500, 502, 503, 504];

/**
 * The recipe's config (recipes/portkey/config.json) for each group's own chain: a fallback
 * along its targets on 429 and 5xx, each target but the last retried once.
 */
function chainConfig(targets, providers) {
  return {
    strategy: { mode: 'fallback', on_status_codes: ON_STATUS },
    targets: targets.map(({ provider, model }, i) => ({
      provider: providers[provider].wire === 'openai' ? 'openai' : 'anthropic',
      api_key: providers[provider].apiKey,
      custom_host: providers[provider].baseUrl,
      override_params: { model },
      ...(i < targets.length - 1 && { retry: { attempts: 1, on_status_codes: ON_STATUS } }),
    })),
  };
}

/** @type {import('failover-drill/subject').CreateSubject} */
export default async function createSubject({ scenario, providers, config, log }) {
  // One config for every request when given; else each group's chain as the recipe's config.
  const given = config === undefined ? undefined : JSON.stringify(pointAtDrill(config, providers));
  const byGroup = new Map(
    Object.entries(scenario.failover.groups).map(([group, { targets }]) => [
      group,
      given ?? JSON.stringify(chainConfig(targets, providers)),
    ]),
  );
  const only = byGroup.size === 1 ? [...byGroup.values()][0] : undefined;
  // Portkey refuses custom hosts on reserved names (.test) unless trusted, as a self-hosted
  // deployment trusts its own: the drill's provider hosts are added for the drill.
  const trusted = process.env.TRUSTED_CUSTOM_HOSTS;
  const hosts = Object.values(providers).map((p) => new URL(p.baseUrl).hostname);
  process.env.TRUSTED_CUSTOM_HOSTS = [trusted ?? 'localhost,127.0.0.1,::1', ...hosts].join(',');
  const restore = () => {
    if (trusted === undefined) delete process.env.TRUSTED_CUSTOM_HOSTS;
    else process.env.TRUSTED_CUSTOM_HOSTS = trusted;
  };
  let app;
  try {
    app = await importGateway(log);
  } catch (error) {
    restore();
    throw error;
  }
  const version = JSON.parse(
    readFileSync(findPackageJSON(PORTKEY, import.meta.url), 'utf8'),
  ).version;
  return {
    about: { package: PORTKEY, version },
    close: restore,
    async fetch(request) {
      const header = given ?? only ?? byGroup.get((await request.clone().json()).model) ?? '{}';
      const headers = new Headers(request.headers);
      headers.set('x-portkey-config', header);
      return app(new Request(request, { headers }));
    },
  };
}
