/**
 * The behaviours that decide each library's scorecard (docs/scorecard.md), reproduced one by one:
 * each drills one conduct scenario through one shipped subject and checks what the providers saw.
 * Each claim is checked against the library's documented behaviour in the docs; a test failing
 * here after an upgrade means the claim must be re-checked, not the threshold moved.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-schema.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { drillSubject } from '../../src/subject/drill-subject.js';
import { loadSubject } from '../../src/subject/load-subject.js';
import { writeTemp } from '../support/helpers.js';

async function drill(scenario: string, subject: string, config?: string): Promise<Report> {
  const loaded = await loadSubject(subject, config);
  return (await drillSubject(loadScenario(`scenarios/conduct/${scenario}.yaml`), loaded)).report;
}

describe('ai-sdk (ai 7, ai-fallback 3)', () => {
  it('does not fall back on a dropped connection: ai-fallback retries status codes and keywords, not network errors', async () => {
    const report = await drill('connection-reset', 'ai-sdk');
    expect(report.attempts.byProvider.fallback).toBeUndefined();
    expect(report.attempts.retries).toBeGreaterThan(0); // the AI SDK's own retries, same model
    expect(report.availability).toBeLessThan(0.9);
  }, 60_000);

  it('waits for the connection to close after the last chunk: a stream without [DONE] hangs until the caller gives up', async () => {
    const report = await drill('stream-no-done', 'ai-sdk');
    expect(report.failures.byReason).toEqual({ timeout: report.requests.failed });
    expect(report.requests.failed).toBeGreaterThan(0);
  }, 60_000);

  it('stays on the fallback once switched (its modelResetInterval), so an outage costs few failed attempts', async () => {
    const report = await drill('503-forever', 'ai-sdk');
    expect(report.availability).toBe(1);
    expect(report.attempts.byProvider.primary).toBeLessThan(report.requests.total / 2);
  }, 60_000);
});

describe('langchain (@langchain/core 1.4)', () => {
  it('with the retries its fallback guide says to turn off left on (maxRetries 6), fails over only after about a minute of retries', async () => {
    const report = await drill(
      '503-forever',
      'langchain',
      'recipes/langchain/default-retries.yaml',
    );
    expect(report.attempts.maxPerRequest).toBeGreaterThanOrEqual(6);
    expect(report.failures.byReason.timeout).toBeGreaterThan(0);
    expect(report.availability).toBeLessThan(0.5);
  }, 60_000);

  it('as its guide says (maxRetries 0 on the primary), fails over at once', async () => {
    const report = await drill('503-forever', 'langchain');
    expect(report.availability).toBe(1);
    expect(report.attempts.retries).toBe(0);
  }, 60_000);

  it('withFallbacks falls back on every error, a content-filter refusal too: the refusal never reaches the caller', async () => {
    const report = await drill('content-filter', 'langchain');
    expect(report.failures.refused).toBe(0);
    expect(report.attempts.byProvider.fallback).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a bad maxRetries as bad input', async () => {
    const config = writeTemp('lc.yaml', 'maxRetries: -1\n');
    await expect(drill('500-once', 'langchain', config)).rejects.toThrow(/maxRetries must be/);
  });
});

describe('portkey (@portkey-ai/gateway 1.15.2)', () => {
  it('has no breaker in its fallback config: every request tries the dead primary first, and retries it', async () => {
    const report = await drill('503-forever', 'portkey');
    expect(report.availability).toBe(1);
    expect(report.attempts.byProvider.primary).toBeGreaterThanOrEqual(report.requests.total);
  }, 60_000);

  it('sets no request timeout unless its config does: a provider that never answers holds the request until the caller gives up', async () => {
    const report = await drill('no-response', 'portkey');
    expect(report.failures.byReason.timeout).toBeGreaterThan(0);
    expect(report.attempts.byProvider.fallback ?? 0).toBe(0);
  }, 60_000);
});

describe('openai-sdk (openai, maxRetries 2)', () => {
  it('has no fallback: an outage fails every request once its retries are spent', async () => {
    const report = await drill('503-forever', 'openai-sdk');
    expect(report.attempts.byProvider.fallback).toBeUndefined();
    expect(report.attempts.maxPerRequest).toBe(3);
    expect(report.availability).toBeLessThan(0.2);
  }, 60_000);
});
