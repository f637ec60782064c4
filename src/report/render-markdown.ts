/**
 * @module report/render-markdown
 * The drill report as GitHub-flavoured Markdown, fit for `$GITHUB_STEP_SUMMARY`: the verdict
 * first, then the engine against the baseline, the SLOs with their margins, failovers, breakers,
 * fault windows, cost, and the minutes. Long lists are cut so a report stays far under the
 * step summary's 1 MiB.
 */
import {
  clockTime,
  drilledColumn,
  dur,
  int,
  pct,
  SUITE_COLUMNS,
  suiteCells,
  usd,
} from './format.js';
import type { Report } from './report-schema.js';
import { detailSections, moreNote, type Section } from './sections.js';
import { markdownTable } from './tables.js';

/** A section as Markdown. */
function sectionMarkdown(section: Section): string {
  const body = section.table === undefined ? (section.empty ?? '') : markdownTable(section.table);
  return `### ${section.title}\n\n${body}${section.more === undefined ? '' : `\n\n${section.more}`}`;
}

/** The report as Markdown. */
export function renderMarkdown(report: Report): string {
  const b = report.baseline;
  const verdict = report.pass ? '✅ every SLO held' : '❌ SLO breached';
  const out: string[] = [];
  out.push(`## failover-drill: ${report.scenario} — ${verdict}`);
  const live = report.live;
  const subject = report.subject;
  out.push(
    live === undefined
      ? `Seed ${report.seed}, ${dur(report.simulatedMs)} of drill time simulated in ${(report.wallMs / 1_000).toFixed(2)} s.${subject === undefined ? '' : ` Drilled: the subject \`${subject.name}\` (\`${subject.module}\`${subject.package === undefined ? '' : `, ${subject.package.name} ${subject.package.version}`}) in virtual time; attempts, retries and failovers are what the providers saw.${subject.unjudged.length === 0 ? '' : ` Not judged (inside the subject): ${subject.unjudged.map((n) => `\`${n}\``).join(', ')}.`}`} Replay:\n\n\`\`\`sh\n${report.replay}\n\`\`\``
      : `Seed ${report.seed}, live: ${int(live.requestsSent)} requests sent through \`${live.target}\` in real time at ${live.speed}× speed, ${dur(report.simulatedMs)} of drill time in ${(report.wallMs / 1_000).toFixed(2)} s. Attempts, retries and failovers are what the providers saw; the gateway is a black box.${live.unjudged.length === 0 ? '' : ` Not judged (inside the gateway): ${live.unjudged.map((n) => `\`${n}\``).join(', ')}.`}${(live.queuedForConnection ?? 0) > 0 ? `\n\n> **Warning:** ${int(live.queuedForConnection ?? 0)} request(s) waited for one of the drill's own connections; their latency includes that wait. Raise \`--connections\`.` : ''} Replay:\n\n\`\`\`sh\n${report.replay}\n\`\`\``,
  );

  out.push('### With failover, and without');
  out.push(
    markdownTable({
      head: ['', drilledColumn(report), 'no failover (baseline)'],
      rows: [
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
    }),
  );

  out.push(...detailSections(report).map(sectionMarkdown));

  const minutes = report.timeline.minutes;
  const base = report.timeline.baselineMinutes;
  const minutesMore = moreNote(minutes.length, 24 * 60, 'minutes');
  out.push(
    `<details><summary>Minute by minute (${int(minutes.length)} minutes)</summary>\n\n` +
      markdownTable({
        head: [
          'minute',
          'requests',
          'availability',
          'baseline availability',
          'latency p95',
          'cost',
        ],
        rows: minutes.slice(0, 24 * 60).map((m, i) => {
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
      }) +
      (minutesMore === undefined ? '' : `\n\n${minutesMore}`) +
      '\n\n</details>',
  );
  return `${out.join('\n\n')}\n`;
}

/** A suite's Markdown: one row per drill; each drill's own report.md has the detail. */
export function renderSuiteMarkdown(reports: readonly Report[]): string {
  const breached = reports.filter((r) => !r.pass).length;
  return `${[
    `## failover-drill suite — ${breached === 0 ? `✅ all ${reports.length} drills held their SLOs` : `❌ ${breached} of ${reports.length} drills breached an SLO`}`,
    markdownTable({
      head: ['scenario', ...SUITE_COLUMNS, 'result'],
      rows: reports.map((r) => [...suiteCells(r), r.pass ? '✅ pass' : '❌ breach']),
    }),
  ].join('\n\n')}\n`;
}
