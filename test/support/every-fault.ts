import { scenarioYaml } from './helpers.js';

/** Every fault kind, one minute each, on alternating providers. */
export const KINDS = [
  '{ kind: outage, status: 503 }',
  '{ kind: outage, status: reset }',
  '{ kind: outage, status: refused }',
  '{ kind: error-rate, probability: 50% }',
  '{ kind: outage, status: 500, attempts: 1 }',
  '{ kind: rate-limit, retryAfter: 1s, requests: 1200-1320, attempts: 1-2 }',
  '{ kind: latency-spike, extra: 3s }',
  '{ kind: hang }',
  '{ kind: hang, closeAfter: 5s }',
  '{ kind: rate-limit, retryAfter: 2s }',
  '{ kind: rate-limit }',
  '{ kind: quota-exhausted }',
  '{ kind: slow-first-token, extra: 4s }',
  '{ kind: stream-cut, afterTokens: 20 }',
  '{ kind: stream-stall, afterTokens: 20 }',
  '{ kind: stream-stall, afterTokens: 20, stall: 3s, then: close }',
  '{ kind: malformed-chunk, afterTokens: 20 }',
  '{ kind: malformed-chunk, atEvent: 3 }',
  '{ kind: stream-no-done }',
  '{ kind: invalid-key }',
  '{ kind: context-length-exceeded }',
  '{ kind: content-filter }',
  '{ kind: empty-answer }',
  '{ kind: refusal-answer }',
  '{ kind: length-cut, afterTokens: 10 }',
  '{ kind: invalid-json }',
  '{ kind: model-swap, model: gpt-4o-mini }',
  '{ kind: latency-drift, ttft: 5s, tokensPerSecond: 5 }',
];

/** The tiny scenario with every fault kind in turn, a minute each, and short timeouts; some requests ask for JSON. */
export function everyFaultYaml(): string {
  const faults = KINDS.map(
    (k, i) =>
      `  - ${k.replace('{ ', `{ target: ${i % 2 === 0 ? 'primary' : 'backup'}, at: ${i}m, for: 1m, `)}`,
  ).join('\n');
  const base = scenarioYaml();
  return base
    .replace(base.slice(base.indexOf('faults:'), base.indexOf('failover:')), `faults:\n${faults}\n`)
    .replace('duration: 2m', `duration: ${KINDS.length + 1}m`)
    .replace('rate: 60/m', 'rate: 240/m')
    .replace('streaming: 50%', 'streaming: 50%\n  json: 30%')
    .replace(
      'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]',
      'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n  timeout: { attempt: 10s, total: 30s }',
    );
}
