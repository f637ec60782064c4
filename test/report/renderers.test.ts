import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit, xml } from '../../src/report/render-junit.js';
import { renderMarkdown, renderSuiteMarkdown } from '../../src/report/render-markdown.js';
import type { Report } from '../../src/report/report-schema.js';
import { reportSchema } from '../../src/report/report-schema.js';

const minute = (m: number, total: number, succeeded: number) => ({
  minute: m,
  total,
  succeeded,
  degraded: 0,
  failed: total - succeeded,
  costUsd: total * 0.01,
  latencyMs: { p50: 800, p95: 2_000, max: 5_000 },
  answeredLatencyMs: { p50: 800, p95: 2_000, max: 5_000 },
  failedLatencyMs: { p50: 0, p95: 0, max: 0 },
  answeredBy: { 'primary/gpt-4o': succeeded },
  attempts: { ok: succeeded, '5xx': total - succeeded },
  retries: 0,
  failovers: 0,
});

/** A fixed report: every section filled, one SLO breached. */
const REPORT: Report = reportSchema.parse({
  schemaVersion: 1,
  scenario: 'fixed <&> "drill"',
  seed: 42,
  simulatedMs: 180_000,
  wallMs: 1_234,
  requests: { total: 300, succeeded: 297, degraded: 1, failed: 2 },
  availability: 0.99,
  latencyMs: { p50: 800, p95: 2_400, p99: 9_000, max: 31_000 },
  attempts: {
    total: 330,
    byProvider: { primary: 250, backup: 80 },
    byTarget: { 'primary/gpt-4o': 250, 'backup/claude': 80 },
    firstRetryGapMs: 480,
    maxPerRequest: 3,
    retries: 12,
    earlyRetries: 0,
  },
  streams: { continued: 2, prefillRefused: 0 },
  breakers: {
    'primary/gpt-4o': {
      opens: 1,
      atEnd: 'closed',
      transitions: [
        { atMs: 61_000, from: 'closed', to: 'open' },
        { atMs: 91_000, from: 'open', to: 'half-open' },
        { atMs: 92_000, from: 'half-open', to: 'closed' },
      ],
    },
  },
  costUsd: {
    total: 3.5,
    byProvider: { primary: 2, backup: 1.5 },
    byModel: { 'primary/gpt-4o': 2, 'backup/claude': 1.5 },
    wasted: 0.25,
  },
  failures: { byReason: { 'http-status': 2 }, refused: 0 },
  failovers: [
    {
      from: 'primary/gpt-4o',
      to: 'backup/claude',
      atMs: 60_500,
      detectionMs: 212,
      recoveredAtMs: 92_000,
    },
  ],
  failoversUnlisted: 0,
  faults: [
    {
      kind: 'outage',
      target: 'primary',
      startMs: 60_000,
      endMs: 90_000,
      probability: 1,
      recoveryMs: 1_000,
    },
  ],
  answers: { truncated: 0, wrongModel: 0, empty: 0, refusal: 0, invalidJson: 0, invalid: 0 },
  baseline: {
    requests: { total: 300, succeeded: 270, degraded: 0, failed: 30 },
    availability: 0.9,
    latencyMs: { p50: 700, p95: 2_000, p99: 8_000, max: 30_000 },
    costUsd: 3,
    answers: { truncated: 0, wrongModel: 0, empty: 0, refusal: 0, invalidJson: 0, invalid: 0 },
    costUsdByModel: { 'primary/gpt-4o': 3 },
  },
  worst: { slowest: [], failed: [] },
  timeline: {
    minutes: [minute(0, 100, 100), minute(1, 100, 97), minute(2, 100, 100)],
    baselineMinutes: [minute(0, 100, 100), minute(1, 100, 70), minute(2, 100, 100)],
  },
  slos: [
    {
      name: 'availability >= 99.5%',
      metric: 'availability',
      op: '>=',
      threshold: 0.995,
      actual: 0.99,
      pass: false,
    },
    {
      name: 'latency.p95 <= 5s',
      metric: 'latency.p95',
      op: '<=',
      threshold: 5_000,
      actual: 2_400,
      pass: true,
    },
  ],
  pass: false,
  replay: 'npx failover-drill run scenarios/fixed.yaml --seed 42',
});

describe('the Markdown report', () => {
  const md = renderMarkdown(REPORT);

  it('leads with the verdict and the replay command', () => {
    expect(md.split('\n')[0]).toBe('## failover-drill: fixed <&> "drill" — ❌ SLO breached');
    expect(md).toContain('npx failover-drill run scenarios/fixed.yaml --seed 42');
  });

  it('sets the engine beside the baseline', () => {
    expect(md).toMatch(/\| availability \| 99\.00% \| 90\.00% \|/);
    expect(md).toMatch(/\| latency p95 \| 2\.4s \| 2s \|/);
    expect(md).toMatch(/\| cost \| \$3\.5000 \| \$3\.0000 \|/);
  });

  it('lists the SLOs with actual values and margins', () => {
    expect(md).toContain('| `availability >= 99.5%` | 99.00% | −0.50% | ❌ **breach** |');
    expect(md).toContain('| `latency.p95 <= 5s` | 2.4s | +2.6s | ✅ pass |');
  });

  it('shows failovers, breakers, faults and the minutes', () => {
    expect(md).toContain('| 01:00 | primary/gpt-4o | backup/claude | 212ms | 01:32 | 31.5s |');
    expect(md).toContain(
      '| primary/gpt-4o | 1 | closed | 01:01 open, 01:31 half-open, 01:32 closed |',
    );
    expect(md).toContain('| outage | primary | 01:00 | 01:30 | 100.00% |');
    expect(md).toContain('| 01:00 | 100 | 97.00% | 70.00% | 2s | $1.0000 |');
  });

  it('stays small: under 1 MiB even for a day of minutes and thousands of failovers', () => {
    const huge = {
      ...REPORT,
      failovers: Array.from({ length: 1_000 }, () => REPORT.failovers[0]!),
      timeline: {
        minutes: Array.from({ length: 2 * 24 * 60 }, (_, m) => minute(m, 100, 99)),
        baselineMinutes: [],
      },
    };
    const text = renderMarkdown(huge);
    expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
    expect(text).toContain('… and 950 more episodes in report.json.');
  });

  it('sums a suite up in one table', () => {
    const suite = renderSuiteMarkdown([REPORT, { ...REPORT, scenario: 'other', pass: true }]);
    expect(suite.split('\n')[0]).toBe('## failover-drill suite — ❌ 1 of 2 drills breached an SLO');
    expect(suite).toContain('| other | 99.00% | 90.00% | 2.4s | $3.5000 | 1/2 | ✅ pass |');
  });
});

describe('the JUnit report', () => {
  const text = renderJunit([REPORT, { ...REPORT, scenario: 'second', slos: [], pass: true }]);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
    text,
  ) as {
    testsuites: {
      tests: string;
      failures: string;
      testsuite: {
        name: string;
        tests: string;
        failures: string;
        testcase:
          | { name: string; failure?: { message: string } }
          | { name: string; failure?: { message: string } }[];
      }[];
    };
  };

  it('is well-formed XML', () => {
    expect(XMLValidator.validate(text)).toBe(true);
  });

  it('has one testsuite per scenario and one testcase per SLO, failures with the actual value', () => {
    const [first, second] = parsed.testsuites.testsuite;
    expect(parsed.testsuites).toMatchObject({ tests: '3', failures: '1' });
    expect(first).toMatchObject({ name: 'fixed <&> "drill"', tests: '2', failures: '1' });
    const cases = first!.testcase as { name: string; failure?: { message: string } }[];
    expect(cases.map((c) => c.name)).toEqual(['availability >= 99.5%', 'latency.p95 <= 5s']);
    expect(cases[0]!.failure?.message).toBe('availability was 99.00%; the SLO is >= 99.50%');
    expect(cases[1]!.failure).toBeUndefined();
    expect(second).toMatchObject({ name: 'second', tests: '1', failures: '0' });
  });

  it('escapes what XML needs escaped and drops what it forbids', () => {
    expect(xml('a<b & "c" \u0001')).toBe('a&lt;b &amp; &quot;c&quot; ');
  });
});
