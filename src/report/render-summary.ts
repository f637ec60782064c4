/**
 * @module report/render-summary
 * The short summary a terminal shows after a drill: engine against baseline, failovers, SLOs.
 */
import {
  drilledColumn,
  clockTime,
  dur,
  formatSloValue,
  int,
  pct,
  SUITE_COLUMNS,
  suiteCells,
  usd,
} from './format.js';
import type { Report } from './report-schema.js';
import { textTable } from './tables.js';
import { thousands } from '../unit-text.js';

/** The terminal summary of one report. */
export function renderSummary(report: Report, reportPath?: string): string {
  const b = report.baseline;
  const lines: string[] = [];
  const live = report.live;
  const subject = report.subject;
  lines.push(
    live === undefined
      ? `${report.scenario}  (seed ${report.seed}, ${subject === undefined ? '' : `subject ${subject.name}, `}${dur(report.simulatedMs)} simulated in ${(report.wallMs / 1_000).toFixed(2)}s)`
      : `${report.scenario}  (seed ${report.seed}, live through ${live.target} at ${live.speed}x: ${dur(report.simulatedMs)} of drill time in ${(report.wallMs / 1_000).toFixed(2)}s)`,
  );
  lines.push(
    textTable([
      ['', drilledColumn(report), 'no failover (baseline)'],
      ['requests', int(report.requests.total), int(b.requests.total)],
      ['availability', pct(report.availability), pct(b.availability)],
      ['failed', int(report.requests.failed), int(b.requests.failed)],
      [
        'latency p50 / p95 / p99',
        `${dur(report.latencyMs.p50)} / ${dur(report.latencyMs.p95)} / ${dur(report.latencyMs.p99)}`,
        `${dur(b.latencyMs.p50)} / ${dur(b.latencyMs.p95)} / ${dur(b.latencyMs.p99)}`,
      ],
      ['cost', usd(report.costUsd.total), usd(b.costUsd)],
      ['  wasted on discarded attempts', usd(report.costUsd.wasted), ''],
      [
        'attempts (retries, most for one request)',
        `${int(report.attempts.total)} (${int(report.attempts.retries)}, ${int(report.attempts.maxPerRequest)})`,
        '',
      ],
      ...(report.failures.refused > 0
        ? [['refused by the provider', int(report.failures.refused), '']]
        : []),
      ...(report.answers.invalid + b.answers.invalid > 0
        ? [['invalid answers passed on', invalidAnswers(report.answers), invalidAnswers(b.answers)]]
        : []),
      ...(report.streams.continued + report.streams.prefillRefused > 0
        ? [
            [
              'streams continued (prefills refused)',
              `${int(report.streams.continued)} (${int(report.streams.prefillRefused)})`,
              '',
            ],
          ]
        : []),
    ]),
  );
  const breakers = Object.entries(report.breakers);
  if (breakers.length > 0) {
    lines.push(
      `breakers: ${breakers.map(([key, b]) => `${key} opened ${int(b.opens)}x, ${b.atEnd} at the end`).join('; ')}`,
    );
  }
  const failovers = report.failovers;
  const count = failovers.length + report.failoversUnlisted;
  if (count === 0) lines.push('failovers: none');
  else {
    lines.push(`failovers: ${int(count)} episode${count === 1 ? '' : 's'}`);
    for (const f of failovers.slice(0, 5)) {
      const recovered =
        f.recoveredAtMs === null ? 'not recovered' : `back at ${clockTime(f.recoveredAtMs)}`;
      lines.push(
        `  ${clockTime(f.atMs)}  ${f.from} -> ${f.to}, detected in ${dur(f.detectionMs)}, ${recovered}`,
      );
    }
    if (count > 5) lines.push(`  … ${int(count - 5)} more in report.json`);
  }
  if (report.slos.length === 0) lines.push('SLOs: none set');
  else {
    lines.push('SLOs:');
    for (const slo of report.slos) {
      lines.push(
        `  ${slo.pass ? 'PASS' : 'FAIL'}  ${slo.name}  (actual ${formatSloValue(slo.metric, slo.actual)})`,
      );
    }
  }
  const queued = live?.queuedForConnection ?? 0;
  if (live !== undefined && queued > 0)
    lines.push(
      `warning: ${thousands(queued)} request(s) waited for one of the drill's own connections; their latency includes that wait. Raise --connections.`,
    );
  for (const name of live?.unjudged ?? [])
    lines.push(`  ----  ${name}  (not judged: inside the gateway, out of sight of a live drill)`);
  for (const name of report.subject?.unjudged ?? [])
    lines.push(`  ----  ${name}  (not judged: inside the subject, out of sight of the providers)`);
  lines.push(report.pass ? 'result: every SLO held' : 'result: SLO breached');
  if (reportPath !== undefined) lines.push(`report: ${reportPath}`);
  return lines.join('\n');
}

/** `12 (8 empty, 4 cut)`: answers handed over that were not what they claimed, by kind. */
function invalidAnswers(answers: Report['answers']): string {
  const kinds = (
    [
      ['empty', answers.empty],
      ['refusals', answers.refusal],
      ['cut', answers.truncated],
      ['bad JSON', answers.invalidJson],
      ['wrong model', answers.wrongModel],
    ] as const
  ).filter(([, n]) => n > 0);
  return kinds.length === 0
    ? int(answers.invalid)
    : `${int(answers.invalid)} (${kinds.map(([kind, n]) => `${int(n)} ${kind}`).join(', ')})`;
}

/** The terminal summary of a suite: one line per drill, then the verdict. */
export function renderSuiteSummary(reports: readonly Report[]): string {
  const rows = [
    ['suite', ...SUITE_COLUMNS, 'result'],
    ...reports.map((r) => [...suiteCells(r), r.pass ? 'PASS' : 'FAIL']),
  ];
  const breached = reports.filter((r) => !r.pass).length;
  return `${textTable(rows)}\n${
    breached === 0
      ? `result: every SLO of all ${reports.length} drills held`
      : `result: ${breached} of ${reports.length} drills breached an SLO`
  }`;
}
