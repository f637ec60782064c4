/**
 * The soft-failure drills, end to end: each soft fault passes the default preset's engine as a
 * 200 and breaks the scenario's SLO; the validating config turns the same answers into failed
 * attempts and holds it. The report's answer counts are recomputed by hand from the events.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsesAsJson } from '../src/engine/answer-validation.js';
import type { EngineEvent } from '../src/engine/events.js';
import type { ChatRequest } from '../src/engine/types.js';
import { DEFAULT_ANSWER_TOKENS, wantedTokens } from '../src/providers/wire-renderer.js';
import { DEFAULT_REFUSAL } from '../src/scenario/fault-schema.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import { runDrill } from '../src/simulator/run-drill.js';
import { simulate } from '../src/simulator/simulate.js';

const DIR = 'scenarios/soft';
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
const DEFAULT_CONFIG = 'configs/chat-default.yaml';

/** The answers a drill handed over, counted by hand from its events. */
function countAnswers(events: readonly EngineEvent[]) {
  const requests = new Map<string, ChatRequest>();
  const counts = { truncated: 0, wrongModel: 0, empty: 0, refusal: 0, invalidJson: 0, invalid: 0 };
  for (const event of events) {
    if (event.type === 'request:start') requests.set(event.requestId, event.request);
    if (event.type !== 'request:end' || !event.outcome.ok || event.outcome.degraded) continue;
    const { text, responseModel, target, requestId } = event.outcome;
    const request = requests.get(requestId) as ChatRequest;
    const asked = wantedTokens(request.messages.at(-1)?.content ?? '') ?? DEFAULT_ANSWER_TOKENS;
    const kinds = {
      truncated: text.length < Math.min(request.maxTokens, asked) * 4,
      wrongModel: responseModel !== target.model,
      empty: text === '',
      refusal: text === DEFAULT_REFUSAL,
      invalidJson: request.responseFormat === 'json' && !parsesAsJson(text),
    };
    for (const [kind, hit] of Object.entries(kinds)) if (hit) counts[kind as keyof typeof kinds]++;
    if (Object.values(kinds).some(Boolean)) counts.invalid++;
  }
  return counts;
}

describe('soft-failure drills', () => {
  it('cover every soft fault kind', () => {
    expect(FILES.map((f) => f.replace('.yaml', '')).sort()).toEqual(
      [
        'empty-answer',
        'invalid-json',
        'latency-drift',
        'length-cut',
        'model-swap',
        'refusal-answer',
      ].sort(),
    );
  });

  describe.each(FILES)('%s', (file) => {
    const path = join(DIR, file);

    it('breaks its SLO under the default preset, which passes every 200 on', async () => {
      const scenario = loadScenario(path, { configFile: DEFAULT_CONFIG });
      const report = await runDrill(scenario);
      const broken = report.slos.filter((s) => !s.pass).map((s) => s.metric);
      expect(broken).toHaveLength(1);
      expect(broken[0]).not.toBe('availability');
      // Nothing failed: the soft answers all counted as answers.
      expect(report.availability).toBe(1);

      const events: EngineEvent[] = [];
      await simulate(scenario, scenario.failover, {
        seed: scenario.seed,
        onEvent: (e) => events.push(e),
      });
      expect(report.answers).toEqual(countAnswers(events));
      // The plain client passes on the same kind of answers.
      if (!file.startsWith('latency-drift'))
        expect(report.baseline.answers.invalid).toBeGreaterThan(0);
    });

    it('holds every SLO with answers validated, each invalid answer a failed attempt', async () => {
      const scenario = loadScenario(path);
      const report = await runDrill(scenario);
      expect(report.slos.filter((s) => !s.pass)).toEqual([]);

      const events: EngineEvent[] = [];
      await simulate(scenario, scenario.failover, {
        seed: scenario.seed,
        onEvent: (e) => events.push(e),
      });
      const judged = events.filter((e) => e.type === 'answer:invalid');
      const invalidEnds = events.filter(
        (e) => e.type === 'attempt:end' && e.reason === 'invalid-answer',
      );
      expect(invalidEnds).toHaveLength(judged.length);
      expect(report.failures.byReason['invalid-answer'] ?? 0).toBe(0);
      if (file.startsWith('latency-drift')) {
        // Nothing is invalid; the latency breaker moved the traffic instead.
        expect(judged).toEqual([]);
        expect(report.breakers['primary/gpt-4o']?.opens).toBeGreaterThan(0);
      } else {
        expect(judged.length).toBeGreaterThan(0);
        expect(report.answers.invalid).toBe(0);
      }
    });
  });
});
