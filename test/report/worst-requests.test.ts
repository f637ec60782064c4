/**
 * The worst requests: the bounded list that keeps them, and the report's lists with their attempt
 * chains and trace ids, checked against the engine's events and the traces written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { Slowest } from '../../src/slowest.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { simulate } from '../../src/simulator/simulate.js';
import { tempDir } from '../support/helpers.js';

describe('the slowest few', () => {
  it('keeps the slowest, slowest first, the earlier of two as slow', () => {
    const list = new Slowest<string>(3);
    for (const [ms, name] of [
      [5, 'a'],
      [9, 'b'],
      [5, 'c'],
      [1, 'd'],
      [9, 'e'],
      [7, 'f'],
    ] as const)
      list.offer(ms, name);
    expect(list.values()).toEqual(['b', 'e', 'f']);
    expect(list.admits(7)).toBe(false);
    expect(list.admits(8)).toBe(true);
  });
});

describe('the worst requests of a drill', () => {
  it('are the slowest by the events, with their attempts, and name their traces', async () => {
    const scenario = loadScenario('scenarios/conduct/503-forever.yaml');
    const dir = tempDir();
    const report = await runDrill(scenario, { telemetry: { dir } });
    const events: EngineEvent[] = [];
    await simulate(scenario, scenario.failover, {
      seed: scenario.seed,
      onEvent: (e) => events.push(e),
    });
    const ends = events.flatMap((e) => (e.type === 'request:end' ? [e.outcome] : []));
    const answered = ends.filter((o) => o.ok).map((o) => o.latencyMs);
    answered.sort((a, b) => b - a);
    const slowest = report.worst.slowest;
    expect(slowest).toHaveLength(20);
    expect(slowest.map((w) => w.latencyMs)).toEqual(
      answered.slice(0, 20).map((ms) => Math.round(ms * 1e3) / 1e3),
    );
    for (const w of slowest) {
      const attempts = events.filter(
        (e) => e.type === 'attempt:start' && e.requestId === w.requestId,
      );
      expect(w.attempts).toHaveLength(Math.min(10, attempts.length));
      expect(w.attempts.at(-1)?.result).toBe('ok');
      expect(w.attempts.at(-1)?.target).toBe(w.answeredBy);
    }
    // Each names the trace whose root span carries its request id.
    const roots = new Map<string, string>();
    for (const line of readFileSync(join(dir, 'traces.jsonl'), 'utf8').trim().split('\n')) {
      const batch = JSON.parse(line) as {
        resourceSpans: {
          scopeSpans: {
            spans: {
              traceId: string;
              attributes: { key: string; value: { stringValue?: string } }[];
            }[];
          }[];
        }[];
      };
      for (const span of batch.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((x) => x.spans))) {
        const id = span.attributes.find((a) => a.key === 'failover_drill.request_id');
        if (id?.value.stringValue !== undefined) roots.set(id.value.stringValue, span.traceId);
      }
    }
    for (const w of slowest) expect(w.traceId).toBe(roots.get(w.requestId));
    expect(report.worst.failed).toEqual([]);
  }, 60_000);
});
