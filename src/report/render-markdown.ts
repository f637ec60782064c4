/**
 * @module report/render-markdown
 * The drill report as GitHub-flavoured Markdown, fit for `$GITHUB_STEP_SUMMARY`: the verdict
 * first, then the engine against the baseline, the SLOs with their margins, failovers, breakers,
 * fault windows, cost, and the minutes. Long lists are cut so a report stays far under the
 * step summary's 1 MiB.
 */
import {
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

/** Rows of a list beyond which the rest is only counted. */
const MAX_ROWS = 50;

const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align?: string,
): string {
  const rule = align ?? head.map((_, i) => (i === 0 ? ':--' : '--:')).join(' | ');
  return [
    `| ${head.map(escape).join(' | ')} |`,
    `| ${rule} |`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** The signed distance of an SLO's actual value from its threshold, in the metric's unit. */
function margin(slo: Report['slos'][number]): string {
  const towardsPass =
    slo.op === '>=' || slo.op === '>' ? slo.actual - slo.threshold : slo.threshold - slo.actual;
  if (slo.op === '==') return slo.actual === slo.threshold ? 'exact' : 'off';
  const sign = towardsPass >= 0 ? '+' : '−';
  return `${sign}${formatSloValue(slo.metric, Math.abs(towardsPass))}`;
}

function more(total: number, shown: number, what: string): string {
  return total > shown ? `\n\n… and ${int(total - shown)} more ${what} in report.json.` : '';
}

/** SLOs, failovers, breakers, fault windows and cost: the sections every rendering shares. */
function detailSections(report: Report): string[] {
  const out: string[] = ['### SLOs'];
  out.push(
    report.slos.length === 0
      ? 'None set.'
      : table(
          ['SLO', 'actual', 'margin', 'verdict'],
          report.slos.map((slo) => [
            `\`${slo.name}\``,
            formatSloValue(slo.metric, slo.actual),
            margin(slo),
            slo.pass ? '✅ pass' : '❌ **breach**',
          ]),
          ':-- | --: | --: | :--',
        ),
  );

  out.push('### Failovers');
  const episodes = report.failovers.length + report.failoversUnlisted;
  out.push(
    episodes === 0
      ? 'None.'
      : table(
          ['at', 'from', 'to', 'detected in', 'back at', 'recovered after'],
          report.failovers
            .slice(0, MAX_ROWS)
            .map((f) => [
              clockTime(f.atMs),
              f.from,
              f.to,
              dur(f.detectionMs),
              f.recoveredAtMs === null ? 'not recovered' : clockTime(f.recoveredAtMs),
              f.recoveredAtMs === null ? '' : dur(f.recoveredAtMs - f.atMs),
            ]),
          ':-- | :-- | :-- | --: | --: | --:',
        ) + more(episodes, Math.min(MAX_ROWS, report.failovers.length), 'episodes'),
  );

  const breakers = Object.entries(report.breakers);
  if (breakers.length > 0) {
    out.push('### Circuit breakers');
    out.push(
      table(
        ['target', 'opened', 'state at the end', 'transitions'],
        breakers.map(([key, br]) => [
          key,
          int(br.opens),
          br.atEnd,
          br.transitions
            .slice(0, 8)
            .map((t) => `${clockTime(t.atMs)} ${t.to}`)
            .join(', ') + (br.transitions.length > 8 ? ', …' : ''),
        ]),
        ':-- | --: | :-- | :--',
      ),
    );
  }

  out.push('### Faults');
  out.push(
    report.faults.length === 0
      ? 'None.'
      : table(
          ['fault', 'target', 'from', 'to', 'probability'],
          report.faults
            .slice(0, MAX_ROWS)
            .map((f) => [
              f.kind,
              f.target,
              clockTime(f.startMs),
              clockTime(f.endMs),
              pct(f.probability),
            ]),
          ':-- | :-- | --: | --: | --:',
        ) + more(report.faults.length, MAX_ROWS, 'faults'),
  );

  out.push('### Cost');
  out.push(
    table(
      ['provider/model', 'cost'],
      Object.entries(report.costUsd.byModel).map(([k, v]) => [k, usd(v)]),
    ),
  );

  return out;
}

/** The shared sections alone, as Markdown (the HTML report renders them as tables). */
export function renderMarkdownSections(report: Report): string {
  return detailSections(report).join('\n\n');
}

/** The report as Markdown. */
export function renderMarkdown(report: Report): string {
  const b = report.baseline;
  const verdict = report.pass ? '✅ every SLO held' : '❌ SLO breached';
  const out: string[] = [];
  out.push(`## failover-drill: ${report.scenario} — ${verdict}`);
  out.push(
    `Seed ${report.seed}, ${dur(report.simulatedMs)} of drill time simulated in ${(report.wallMs / 1_000).toFixed(2)} s. Replay:\n\n\`\`\`sh\n${report.replay}\n\`\`\``,
  );

  out.push('### With failover, and without');
  out.push(
    table(
      ['', 'with failover', 'no failover (baseline)'],
      [
        ['requests', int(report.requests.total), int(b.requests.total)],
        ['availability', pct(report.availability), pct(b.availability)],
        ['failed', int(report.requests.failed), int(b.requests.failed)],
        ['answered by a stand-in', int(report.requests.degraded), int(b.requests.degraded)],
        ['latency p50', dur(report.latencyMs.p50), dur(b.latencyMs.p50)],
        ['latency p95', dur(report.latencyMs.p95), dur(b.latencyMs.p95)],
        ['latency p99', dur(report.latencyMs.p99), dur(b.latencyMs.p99)],
        ['latency max', dur(report.latencyMs.max), dur(b.latencyMs.max)],
        ['cost', usd(report.costUsd.total), usd(b.costUsd)],
        ['of which wasted (retries, hedges, broken streams)', usd(report.costUsd.wasted), ''],
        ['attempts', int(report.attempts.total), int(b.requests.total)],
        ['retries', int(report.attempts.retries), '0'],
      ],
    ),
  );

  out.push(...detailSections(report));

  const minutes = report.timeline.minutes;
  const base = report.timeline.baselineMinutes;
  out.push(
    `<details><summary>Minute by minute (${int(minutes.length)} minutes)</summary>\n\n` +
      table(
        ['minute', 'requests', 'availability', 'baseline availability', 'latency p95', 'cost'],
        minutes.slice(0, 24 * 60).map((m, i) => {
          const bm = base[i];
          return [
            clockTime(m.minute * 60_000),
            int(m.total),
            m.total === 0 ? '' : pct(m.succeeded / m.total),
            bm === undefined || bm.total === 0 ? '' : pct(bm.succeeded / bm.total),
            m.total === 0 ? '' : dur(m.latencyMs.p95),
            usd(m.costUsd),
          ];
        }),
      ) +
      more(minutes.length, 24 * 60, 'minutes') +
      '\n\n</details>',
  );
  return `${out.join('\n\n')}\n`;
}

/** A suite's Markdown: one row per drill; each drill's own report.md has the detail. */
export function renderSuiteMarkdown(reports: readonly Report[]): string {
  const breached = reports.filter((r) => !r.pass).length;
  return `${[
    `## failover-drill suite — ${breached === 0 ? `✅ all ${reports.length} drills held their SLOs` : `❌ ${breached} of ${reports.length} drills breached an SLO`}`,
    table(
      ['scenario', ...SUITE_COLUMNS, 'result'],
      reports.map((r) => [...suiteCells(r), r.pass ? '✅ pass' : '❌ breach']),
    ),
  ].join('\n\n')}\n`;
}
