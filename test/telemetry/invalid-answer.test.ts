/**
 * An answer `validate` judged invalid, in the traces: its attempt span carries `error.type`
 * `invalid-answer` and the rule it broke, and the request's root span the `answer.invalid` event,
 * with no text of the answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REFUSAL } from '../../src/scenario/fault-schema.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { tempDir } from '../support/helpers.js';

interface Span {
  name: string;
  attributes: { key: string; value: { stringValue?: string } }[];
  events: { name: string; attributes: { key: string; value: { stringValue?: string } }[] }[];
}

describe('an invalid answer in the traces', () => {
  it('marks the attempt span and the request span, without the answer text', async () => {
    const dir = tempDir();
    await runDrill(loadScenario('scenarios/soft/refusal-answer.yaml'), { telemetry: { dir } });
    const text = readFileSync(join(dir, 'traces.jsonl'), 'utf8');
    const spans = text
      .trim()
      .split('\n')
      .flatMap((line) =>
        (
          JSON.parse(line) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] }
        ).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
      );
    const value = (span: Span, key: string) =>
      span.attributes.find((a) => a.key === key)?.value.stringValue;
    const invalid = spans.filter((s) => value(s, 'error.type') === 'invalid-answer');
    expect(invalid.length).toBeGreaterThan(0);
    for (const span of invalid)
      expect(value(span, 'failover_drill.invalid_answer')).toBe('refusal');
    const events = spans.flatMap((s) => s.events.filter((e) => e.name === 'answer.invalid'));
    expect(events).toHaveLength(invalid.length);
    expect(text).not.toContain(DEFAULT_REFUSAL);
  });
});
